#include "charts/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

namespace benchlab::svg {

namespace {

// Okabe–Ito's colour-blind-safe palette, then two more and black.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                                    "#D55E00", "#7F7F7F", "#332288", "#000000"};
constexpr int kPaletteSize = static_cast<int>(sizeof kPalette / sizeof kPalette[0]);
constexpr double kWidth = kChartWidth;
constexpr double kMargin = 10;
constexpr double kFontSize = 12;    // every text of a chart but its title and footer
constexpr double kTitleSize = 14;   // the title, bold
constexpr double kFooterSize = 10;  // the provenance of a chart file (a page prints it as text)
constexpr double kLine = 15;        // the step between wrapped lines of 12 px text
constexpr double kCharWidth = 6.6;  // an estimate of a 12 px sans-serif glyph, for layout
constexpr const char* kFont = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

// Coordinates with one decimal: enough for the eye, and the same bytes everywhere.
std::string num(double v) {
  if (std::abs(v) < 0.05) v = 0;
  return fmt::format("{:.1f}", v);
}

double text_width(const std::string& s, double size = kFontSize) {
  // UTF-8 continuation bytes do not take room of their own.
  double n = 0;
  for (const unsigned char c : s)
    if ((c & 0xC0) != 0x80) n += 1;
  return n * kCharWidth * size / 12;
}

// `text` in lines no wider than `width` at `size`, cut at spaces (a word longer than a
// line is cut where it must be).
std::vector<std::string> wrap(const std::string& text, double width, double size = kFontSize) {
  const auto per_line = static_cast<std::size_t>(std::max(8.0, width / (kCharWidth * size / 12)));
  std::vector<std::string> out;
  std::string rest = text;
  auto chars = [](const std::string& s) {
    std::size_t n = 0;
    for (const unsigned char c : s)
      if ((c & 0xC0) != 0x80) ++n;
    return n;
  };
  // The byte offset of the `n`th character.
  auto offset = [](const std::string& s, std::size_t n) {
    std::size_t i = 0;
    for (std::size_t seen = 0; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
        if (seen == n) return i;
        ++seen;
      }
    }
    return s.size();
  };
  while (chars(rest) > per_line) {
    const std::size_t limit = offset(rest, per_line);
    std::size_t cut = rest.rfind(' ', limit);
    if (cut == std::string::npos || cut < limit / 3) cut = limit;
    out.push_back(rest.substr(0, cut));
    rest = rest.substr(cut + (cut < rest.size() && rest[cut] == ' ' ? 1 : 0));
  }
  if (!rest.empty() || out.empty()) out.push_back(rest);
  return out;
}

// Lines of text from baseline `y`, each `step` below the last; returns the baseline after the last.
double text_lines(std::string& out, const std::vector<std::string>& lines, double x, double y, double step,
                  const std::string& attributes) {
  for (const auto& l : lines) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" {}>{}</text>\n", num(x), num(y), attributes, escape(l));
    y += step;
  }
  return y;
}

// Ticks of a linear axis from 0 (or lo) to hi: 1, 2 or 5 × 10^k apart, about five.
std::vector<double> linear_ticks(double lo, double& hi) {
  if (hi <= lo) hi = lo + 1;
  const double raw = (hi - lo) / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  hi = std::ceil(hi / step - 1e-9) * step;
  std::vector<double> ticks;
  for (double t = std::floor(lo / step + 1e-9) * step; t <= hi + step * 1e-6; t += step) ticks.push_back(t);
  return ticks;
}

// Decades, with 2 and 5 between them when the range is under three decades.
std::vector<double> log_ticks(double& lo, double& hi) {
  lo = std::pow(10, std::floor(std::log10(lo)));
  hi = std::pow(10, std::ceil(std::log10(hi)));
  if (hi <= lo) hi = lo * 10;
  const bool fine = std::log10(hi / lo) < 3;
  std::vector<double> ticks;
  for (double d = lo; d <= hi * 1.0001; d *= 10) {
    ticks.push_back(d);
    if (fine && d * 10 <= hi * 1.0001) {
      ticks.push_back(2 * d);
      ticks.push_back(5 * d);
    }
  }
  std::sort(ticks.begin(), ticks.end());
  return ticks;
}

struct Mapping {
  Scale scale = Scale::linear;
  double lo = 0, hi = 1;    // data range
  double from = 0, to = 1;  // pixels
  std::vector<double> ticks;
  [[nodiscard]] double operator()(double v) const {
    if (scale == Scale::log) {
      v = std::max(v, lo);
      return from + (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo)) * (to - from);
    }
    return from + (v - lo) / (hi - lo) * (to - from);
  }
};

Mapping map_axis(const Axis& axis, double lo, double hi, double from, double to) {
  Mapping m;
  m.scale = axis.scale;
  m.from = from;
  m.to = to;
  if (!axis.ticks.empty()) {
    lo = std::min(lo, *std::min_element(axis.ticks.begin(), axis.ticks.end()));
    hi = std::max(hi, *std::max_element(axis.ticks.begin(), axis.ticks.end()));
  }
  if (axis.scale == Scale::log) {
    lo = std::max(lo, 1e-12);
    hi = std::max(hi, lo * 1.0001);
    m.ticks = log_ticks(lo, hi);
  } else {
    if (axis.from_zero) lo = std::min(lo, 0.0);
    if (!axis.ticks.empty()) {
      const double pad = (hi - lo) * 0.04;
      lo -= axis.from_zero ? 0 : pad;
      hi += pad;
    } else {
      m.ticks = linear_ticks(lo, hi);
      lo = m.ticks.front();
    }
  }
  if (!axis.ticks.empty()) m.ticks = axis.ticks;
  m.lo = lo;
  m.hi = hi;
  return m;
}

std::string tick_label(const Axis& axis, double v) { return axis.format ? axis.format(v) : compact(v); }

// The labels of a horizontal axis's ticks at baseline `y`, every one that does not run
// into the one before (a narrow chart has room for fewer).
void x_tick_labels(std::string& out, const Axis& axis, const Mapping& m, double y) {
  double last_right = -1e9;
  for (const double t : m.ticks) {
    const std::string label = tick_label(axis, t);
    const double x = m(t), w = text_width(label);
    if (x - w / 2 < last_right + 6) continue;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333\">{}</text>\n", num(x), num(y),
                       escape(label));
    last_right = x + w / 2;
  }
}

// The svg element's opening and its title, wrapped; `y` is set below the title.
std::string open_svg(const std::string& title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {{HEIGHT}}\" width=\"{}\" height=\"{{HEIGHT}}\" "
      "role=\"img\" aria-label=\"{}\" style=\"max-width:100%;height:auto\" font-family=\"{}\" font-size=\"{}\">\n"
      "<title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      num(kWidth), num(kWidth), escape(title), kFont, num(kFontSize), escape(title));
}

double title_lines(std::string& out, const std::string& title) {
  const double bottom = text_lines(out, wrap(title, kWidth - 2 * kMargin, kTitleSize + 1), kMargin, 20, 18,
                                   fmt::format("font-size=\"{}\" font-weight=\"600\" fill=\"#111\"", num(kTitleSize)));
  return bottom - 18 + 10;
}

// A marker of `shape` centred on (x, y), `r` its radius; `extra`: more attributes.
std::string marker(Marker shape, double x, double y, double r, const char* c, const std::string& extra,
                   const std::string& inner) {
  std::string open;
  const double h = r * 0.9;
  switch (shape) {
    case Marker::circle:
      open = fmt::format("<circle {}cx=\"{}\" cy=\"{}\" r=\"{}\"", extra, num(x), num(y), num(r));
      break;
    case Marker::square:
      open = fmt::format("<rect {}x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", extra, num(x - h), num(y - h),
                         num(2 * h), num(2 * h));
      break;
    case Marker::triangle:
      open = fmt::format("<path {}d=\"M{} {}L{} {}L{} {}Z\"", extra, num(x), num(y - r * 1.2), num(x + r * 1.1),
                         num(y + r * 0.8), num(x - r * 1.1), num(y + r * 0.8));
      break;
    case Marker::triangle_down:
      open = fmt::format("<path {}d=\"M{} {}L{} {}L{} {}Z\"", extra, num(x), num(y + r * 1.2), num(x + r * 1.1),
                         num(y - r * 0.8), num(x - r * 1.1), num(y - r * 0.8));
      break;
    case Marker::diamond:
      open = fmt::format("<path {}d=\"M{} {}L{} {}L{} {}L{} {}Z\"", extra, num(x), num(y - r * 1.25), num(x + r * 1.1),
                         num(y), num(x), num(y + r * 1.25), num(x - r * 1.1), num(y));
      break;
    case Marker::cross: {
      const double a = r * 1.1, b = r * 0.4;
      open = fmt::format("<path {}d=\"M{} {}h{}v{}h{}v{}h{}v{}h{}v{}h{}v{}h{}Z\"", extra, num(x - b), num(y - a),
                         num(2 * b), num(a - b), num(a - b), num(2 * b), num(b - a), num(a - b), num(-2 * b),
                         num(b - a), num(b - a), num(-2 * b), num(a - b), num(b - a));
      break;
    }
    case Marker::star: {
      std::string d;
      for (int i = 0; i < 10; ++i) {
        const double angle = -std::numbers::pi / 2 + i * std::numbers::pi / 5;
        const double radius = i % 2 == 0 ? r * 1.35 : r * 0.6;
        d += fmt::format("{}{} {}", i == 0 ? "M" : "L", num(x + radius * std::cos(angle)),
                         num(y + radius * std::sin(angle)));
      }
      open = fmt::format("<path {}d=\"{}Z\"", extra, d);
      break;
    }
  }
  return fmt::format("{} fill=\"{}\" stroke=\"#fff\" stroke-width=\"1\">{}</{}>\n", open, c, inner,
                     shape == Marker::circle   ? "circle"
                     : shape == Marker::square ? "rect"
                                               : "path");
}

struct LegendEntry {
  std::string name;
  int color = 0;
  bool dashed = false;          // a reference line
  std::optional<Marker> shape;  // a line series: its line and marker
};

// A legend under the title, wrapping; returns the y below it.
double legend(std::string& out, const std::vector<LegendEntry>& entries, double y) {
  if (entries.empty()) return y;
  y += 12;
  double x = kMargin;
  for (const auto& e : entries) {
    const double w = 22 + text_width(e.name) + 14;
    if (x + w > kWidth - kMargin + 12 && x > kMargin) {
      x = kMargin;
      y += 17;
    }
    const char* c = colour(e.color);
    if (e.dashed)
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n",
          num(x), num(y - 4), num(x + 16), num(y - 4), c);
    else if (e.shape) {
      out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>\n", num(x),
                         num(y - 4), num(x + 16), num(y - 4), c);
      out += marker(*e.shape, x + 8, y - 4, 4, c, "", "");
    } else
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/>\n", num(x), num(y - 9), c);
    // A name wider than the chart wraps, under itself.
    const auto lines = wrap(e.name, kWidth - 2 * kMargin - 22);
    const double below = text_lines(out, lines, x + 20, y, 15, "fill=\"#222\"") - 15;
    if (lines.size() > 1) {
      y = below + 2;
      x = kWidth;  // the next entry starts a line of its own
      continue;
    }
    x += w;
  }
  return y + 8;
}

// Provenance lines at the bottom of a chart file, small; long ones wrap at spaces.
std::vector<std::string> wrapped(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    auto parts = wrap(l, kWidth - 2 * kMargin - 16, kFooterSize);
    for (std::size_t i = 0; i < parts.size(); ++i) out.push_back(i == 0 ? parts[i] : "    " + parts[i]);
  }
  return out;
}

// The two svgs of a chart: `head` + `body` (+ the footer) + the end, the height filled in.
void finish(Rendered& r, const std::string& head, const std::string& body, double bottom,
            const std::vector<std::string>& footer_lines) {
  auto with_height = [&](double height) {
    std::string h = head;
    for (std::size_t at; (at = h.find("{HEIGHT}")) != std::string::npos;) h.replace(at, 8, num(height));
    return h;
  };
  r.inline_svg = with_height(bottom + 8) + body + "</svg>\n";
  const auto lines = wrapped(footer_lines);
  std::string footer;
  double y = bottom + 14;
  for (const auto& l : lines) {
    footer += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"#555\">{}</text>\n", num(kMargin), num(y),
                          num(kFooterSize), escape(l));
    y += 13;
  }
  r.svg = with_height(lines.empty() ? bottom + 8 : y) + body + footer + "</svg>\n";
}

void error_bar_v(std::string& out, double x, double y1, double y2, const char* c) {
  out += fmt::format("<path d=\"M{} {}V{}M{} {}h8M{} {}h8\" stroke=\"{}\" stroke-width=\"1.2\" fill=\"none\"/>\n",
                     num(x), num(y1), num(y2), num(x - 4), num(y1), num(x - 4), num(y2), c);
}

void error_bar_h(std::string& out, double y, double x1, double x2, const char* c) {
  out += fmt::format("<path d=\"M{} {}H{}M{} {}v8M{} {}v8\" stroke=\"{}\" stroke-width=\"1.2\" fill=\"none\"/>\n",
                     num(x1), num(y), num(x2), num(x1), num(y - 4), num(x2), num(y - 4), c);
}

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string compact(double v) {
  const double a = std::abs(v);
  auto trim = [](std::string s) {
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s;
  };
  if (a >= 1e9) return trim(fmt::format("{:.2f}", v / 1e9)) + "G";
  if (a >= 1e6) return trim(fmt::format("{:.2f}", v / 1e6)) + "M";
  if (a >= 1e3) return trim(fmt::format("{:.1f}", v / 1e3)) + "k";
  if (a >= 10 || a == 0) return trim(fmt::format("{:.0f}", v));
  if (a >= 1) return trim(fmt::format("{:.1f}", v));
  return trim(fmt::format("{:.2g}", v));
}

const char* colour(int index) { return kPalette[((index % kPaletteSize) + kPaletteSize) % kPaletteSize]; }

Rendered render(const LineChart& chart) {
  Rendered r;
  std::vector<LegendEntry> entries;
  double xlo = std::numeric_limits<double>::max(), xhi = std::numeric_limits<double>::lowest();
  double ylo = xlo, yhi = xhi;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    entries.push_back({s.name, s.color >= 0 ? s.color : static_cast<int>(i), s.reference,
                       s.reference ? std::nullopt : std::optional(s.marker)});
    for (const Point& p : s.points) {
      xlo = std::min(xlo, p.x);
      xhi = std::max(xhi, p.x);
      ylo = std::min({ylo, p.y, p.low.value_or(p.y)});
      yhi = std::max({yhi, p.y, p.high.value_or(p.y)});
    }
  }
  if (xlo > xhi) xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  std::string body;
  double y = title_lines(body, chart.title);
  y = legend(body, entries, y);
  // The y axis's label above the plot, where it has the chart's width.
  y = text_lines(body, wrap(chart.y.label, kWidth - 2 * kMargin), kMargin, y + 14, kLine, "fill=\"#222\"");
  const double top = y - kLine + 12;
  const double plot_h = 210;
  double left = kMargin;
  const Mapping ym0 = map_axis(chart.y, ylo, yhi, top + plot_h, top);
  for (const double t : ym0.ticks) left = std::max(left, kMargin + text_width(tick_label(chart.y, t)) + 6);
  const double right = kWidth - 16;
  const Mapping xm = map_axis(chart.x, xlo, xhi, left, right);
  const Mapping ym = map_axis(chart.y, ylo, yhi, top + plot_h, top);
  // Grid and ticks.
  for (const double t : ym.ticks) {
    const double ty = ym(t);
    body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e3e3\"/>\n", num(left), num(ty),
                        num(right), num(ty));
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">{}</text>\n", num(left - 5),
                        num(ty + 4), escape(tick_label(chart.y, t)));
  }
  for (const double t : xm.ticks) {
    const double x = xm(t);
    body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#eeeeee\"/>\n", num(x), num(top),
                        num(x), num(top + plot_h));
  }
  x_tick_labels(body, chart.x, xm, top + plot_h + 16);
  body += fmt::format("<path d=\"M{} {}V{}H{}\" stroke=\"#444\" fill=\"none\"/>\n", num(left), num(top),
                      num(top + plot_h), num(right));
  const double bottom = text_lines(body, wrap(chart.x.label, kWidth - 2 * kMargin), (left + right) / 2,
                                   top + plot_h + 34, kLine, "text-anchor=\"middle\" fill=\"#222\"") -
                        kLine;
  // Lines first, then error bars and marks over them.
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    const char* c = colour(s.color >= 0 ? s.color : static_cast<int>(i));
    std::string d;
    for (const Point& p : s.points) d += fmt::format("{}{} {}", d.empty() ? "M" : "L", num(xm(p.x)), num(ym(p.y)));
    if (s.points.size() > 1)
      body += fmt::format("<path d=\"{}\" stroke=\"{}\" stroke-width=\"2\" fill=\"none\"{}/>\n", d, c,
                          s.reference ? " stroke-dasharray=\"6 4\" class=\"reference\"" : "");
  }
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    if (s.reference) continue;
    const char* c = colour(s.color >= 0 ? s.color : static_cast<int>(i));
    body += fmt::format("<g class=\"series\" data-series=\"{}\">\n", escape(s.name));
    for (const Point& p : s.points) {
      if (p.low && p.high && *p.high > *p.low) error_bar_v(body, xm(p.x), ym(*p.low), ym(*p.high), c);
      body += marker(s.marker, xm(p.x), ym(p.y), 4.5, c, "class=\"mark\" ",
                     fmt::format("<title>{}: {}, {}</title>", escape(s.name), escape(tick_label(chart.x, p.x)),
                                 escape(tick_label(chart.y, p.y))));
      ++r.marks;
    }
    body += "</g>\n";
  }
  finish(r, open_svg(chart.title), body, bottom, chart.footer);
  return r;
}

Rendered render(const BarChart& chart) {
  Rendered r;
  auto key_colour = [&](int key) {
    return static_cast<std::size_t>(key) < chart.key_colors.size() ? chart.key_colors[key] : key;
  };
  std::vector<LegendEntry> entries;
  for (std::size_t k = 0; k < chart.keys.size(); ++k)
    entries.push_back({chart.keys[k], key_colour(static_cast<int>(k)), false, std::nullopt});
  std::string body;
  double y = title_lines(body, chart.title);
  y = legend(body, entries, y);
  const double top = y + 4;
  double hi = 0, lo = std::numeric_limits<double>::max();
  for (const Bar& b : chart.bars) {
    double total = 0;
    for (const Segment& s : b.segments) {
      total += s.value;
      hi = std::max({hi, s.value, s.high.value_or(0)});
      if (s.value > 0) lo = std::min(lo, s.value);
    }
    if (chart.stacked) hi = std::max(hi, total);
  }
  if (lo > hi) lo = 1;
  // Room at the right for the longest end label; each bar's name on a line above it.
  double label_room = 36;
  for (const Bar& b : chart.bars)
    for (const Segment& s : b.segments)
      label_room = std::max(label_room, text_width(s.label.empty() ? tick_label(chart.value, s.value) : s.label) + 10);
  const double left = kMargin + 2;
  const double right = kWidth - std::min(label_room, kWidth * 0.4);
  const Mapping xm = map_axis(chart.value, chart.value.scale == Scale::log ? lo : 0, hi, left, right);
  std::string bars;
  for (const Bar& b : chart.bars) {
    const double rows = chart.stacked ? 1 : static_cast<double>(std::max<std::size_t>(1, b.segments.size()));
    bars +=
        fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#222\">{}</text>\n", num(kMargin), num(y + 13), escape(b.category));
    const double first_row = y + 18;
    const double band = 18 + rows * 16 + 6;
    const double x0 = xm(chart.value.scale == Scale::log ? xm.lo : 0);
    const std::string series = b.series.empty() ? std::string() : fmt::format("data-series=\"{}\" ", escape(b.series));
    double row_y = first_row;
    double acc = 0;
    for (const Segment& s : b.segments) {
      const char* c = colour(s.color >= 0 ? s.color : key_colour(s.key));
      double x1 = 0, x2 = 0;
      if (chart.stacked) {
        if (s.value <= 0) continue;
        x1 = xm(acc);
        acc += s.value;
        x2 = xm(acc);
      } else {
        x1 = x0;
        x2 = std::max(xm(std::max(s.value, chart.value.scale == Scale::log ? xm.lo : 0)), x1 + 1.5);
      }
      const double h = 13;
      const std::string label = s.label.empty() ? tick_label(chart.value, s.value) : s.label;
      const std::string what = static_cast<std::size_t>(s.key) < chart.keys.size()
                                   ? b.category + " · " + chart.keys[static_cast<std::size_t>(s.key)]
                                   : b.category;
      bars += fmt::format(
          "<rect class=\"mark\" {}x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: "
          "{}</title></rect>\n",
          series, num(x1), num(row_y), num(std::max(x2 - x1, 1.5)), num(h), c, escape(what), escape(label));
      ++r.marks;
      if (s.low && s.high && *s.high > *s.low) error_bar_h(bars, row_y + h / 2, xm(*s.low), xm(*s.high), "#222");
      if (!chart.stacked) {
        const double end = std::max(x2, s.high ? xm(*s.high) : x2);
        bars += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333\">{}</text>\n", num(end + 5), num(row_y + 11),
                            escape(label));
        row_y += 16;
      }
    }
    if (chart.stacked && !b.segments.empty()) {
      std::string total = b.segments.back().label;
      if (total.empty()) total = tick_label(chart.value, acc);
      bars += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333\">{}</text>\n", num(xm(acc) + 5), num(first_row + 11),
                          escape(total));
    }
    y += band;
  }
  const double bottom = y + 2;
  for (const double t : xm.ticks) {
    const double x = xm(t);
    body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e3e3\"/>\n", num(x), num(top),
                        num(x), num(bottom));
  }
  x_tick_labels(body, chart.value, xm, bottom + 15);
  body += bars;
  body += fmt::format("<path d=\"M{} {}V{}H{}\" stroke=\"#444\" fill=\"none\"/>\n", num(left), num(top), num(bottom),
                      num(right));
  const double end = text_lines(body, wrap(chart.value.label, kWidth - 2 * kMargin), kWidth / 2, bottom + 33, kLine,
                                "text-anchor=\"middle\" fill=\"#222\"") -
                     kLine;
  finish(r, open_svg(chart.title), body, end, chart.footer);
  return r;
}

}  // namespace benchlab::svg
