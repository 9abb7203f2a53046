#include "charts/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace benchlab::svg {

namespace {

// Okabe–Ito's colour-blind-safe palette, then two more.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#56B4E9", "#D55E00", "#7F7F7F", "#332288"};
constexpr int kPaletteSize = static_cast<int>(sizeof kPalette / sizeof kPalette[0]);
constexpr double kWidth = 760;
constexpr double kCharWidth = 6.6;  // an estimate of a 12 px sans-serif glyph, for layout
constexpr const char* kFont = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

const char* colour(int index) { return kPalette[((index % kPaletteSize) + kPaletteSize) % kPaletteSize]; }

// Coordinates with one decimal: enough for the eye, and the same bytes everywhere.
std::string num(double v) {
  if (std::abs(v) < 0.05) v = 0;
  return fmt::format("{:.1f}", v);
}

double text_width(const std::string& s, double size = 12) {
  // UTF-8 continuation bytes do not take room of their own.
  double n = 0;
  for (const unsigned char c : s)
    if ((c & 0xC0) != 0x80) n += 1;
  return n * kCharWidth * size / 12;
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

std::string open_svg(double height, const std::string& title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\" style=\"max-width:100%;height:auto\" font-family=\"{}\" font-size=\"12\">\n"
      "<title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
      "<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"#111\">{}</text>\n",
      num(kWidth), num(height), num(kWidth), num(height), escape(title), kFont, escape(title), escape(title));
}

// A legend row under the title, wrapping; returns the height it took.
double legend(std::string& out, const std::vector<std::pair<std::string, int>>& entries, double y,
              const std::vector<bool>& dashed = {}) {
  double x = 12;
  double line = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& [name, c] = entries[i];
    const double w = 22 + text_width(name) + 16;
    if (x + w > kWidth - 12 && x > 12) {
      x = 12;
      line += 18;
    }
    const bool dash = i < dashed.size() && dashed[i];
    if (dash)
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n",
          num(x), num(y + line - 4), num(x + 16), num(y + line - 4), colour(c));
    else
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/>\n", num(x),
                         num(y + line - 9), colour(c));
    out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#222\">{}</text>\n", num(x + 20), num(y + line), escape(name));
    x += w;
  }
  return entries.empty() ? 0 : line + 18;
}

// Provenance lines at the bottom, small; a long command wraps at spaces.
std::vector<std::string> wrapped(const std::vector<std::string>& lines) {
  constexpr std::size_t kMax = 118;
  std::vector<std::string> out;
  for (const auto& l : lines) {
    std::string rest = l;
    while (rest.size() > kMax) {
      std::size_t cut = rest.rfind(' ', kMax);
      if (cut == std::string::npos || cut < 20) cut = kMax;
      out.push_back(rest.substr(0, cut));
      rest = "    " + rest.substr(cut + (rest[cut] == ' ' ? 1 : 0));
    }
    out.push_back(rest);
  }
  return out;
}

void footer(std::string& out, const std::vector<std::string>& lines, double y) {
  for (const auto& l : lines) {
    out += fmt::format("<text x=\"12\" y=\"{}\" font-size=\"10\" fill=\"#555\">{}</text>\n", num(y), escape(l));
    y += 13;
  }
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

Rendered render(const LineChart& chart) {
  Rendered r;
  std::vector<std::pair<std::string, int>> entries;
  std::vector<bool> dashed;
  double xlo = std::numeric_limits<double>::max(), xhi = std::numeric_limits<double>::lowest();
  double ylo = xlo, yhi = xhi;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    entries.emplace_back(s.name, s.color >= 0 ? s.color : static_cast<int>(i));
    dashed.push_back(s.reference);
    for (const Point& p : s.points) {
      xlo = std::min(xlo, p.x);
      xhi = std::max(xhi, p.x);
      ylo = std::min({ylo, p.y, p.low.value_or(p.y)});
      yhi = std::max({yhi, p.y, p.high.value_or(p.y)});
    }
  }
  if (xlo > xhi) xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  std::string body;
  const double legend_h = legend(body, entries, 46, dashed);
  const double top = 46 + legend_h + 6;
  const double plot_h = 260;
  double left = 16;
  // Room for the widest y tick label and the rotated axis label.
  const Mapping ym0 = map_axis(chart.y, ylo, yhi, top + plot_h, top);
  for (const double t : ym0.ticks) left = std::max(left, text_width(tick_label(chart.y, t)) + 10);
  left += 26;
  const double right = kWidth - 24;
  const Mapping xm = map_axis(chart.x, xlo, xhi, left, right);
  const Mapping ym = map_axis(chart.y, ylo, yhi, top + plot_h, top);
  // Grid and ticks.
  for (const double t : ym.ticks) {
    const double y = ym(t);
    body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e3e3\"/>\n", num(left), num(y),
                        num(right), num(y));
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">{}</text>\n", num(left - 6),
                        num(y + 4), escape(tick_label(chart.y, t)));
  }
  for (const double t : xm.ticks) {
    const double x = xm(t);
    body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#eeeeee\"/>\n", num(x), num(top),
                        num(x), num(top + plot_h));
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333\">{}</text>\n", num(x),
                        num(top + plot_h + 16), escape(tick_label(chart.x, t)));
  }
  body += fmt::format("<path d=\"M{} {}V{}H{}\" stroke=\"#444\" fill=\"none\"/>\n", num(left), num(top),
                      num(top + plot_h), num(right));
  body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#222\">{}</text>\n",
                      num((left + right) / 2), num(top + plot_h + 34), escape(chart.x.label));
  body +=
      fmt::format("<text transform=\"translate({} {}) rotate(-90)\" text-anchor=\"middle\" fill=\"#222\">{}</text>\n",
                  num(14), num(top + plot_h / 2), escape(chart.y.label));
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
      body += fmt::format(
          "<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" stroke=\"#fff\" "
          "stroke-width=\"1\"><title>{}: "
          "{}, {}</title></circle>\n",
          num(xm(p.x)), num(ym(p.y)), c, escape(s.name), escape(tick_label(chart.x, p.x)),
          escape(tick_label(chart.y, p.y)));
      ++r.marks;
    }
    body += "</g>\n";
  }
  const auto lines = wrapped(chart.footer);
  const double height = top + plot_h + 50 + 13.0 * static_cast<double>(lines.size());
  footer(body, lines, top + plot_h + 56);
  r.svg = open_svg(height, chart.title) + body + "</svg>\n";
  return r;
}

Rendered render(const BarChart& chart) {
  Rendered r;
  auto key_colour = [&](int key) {
    return colour(static_cast<std::size_t>(key) < chart.key_colors.size() ? chart.key_colors[key] : key);
  };
  std::vector<std::pair<std::string, int>> entries;
  for (std::size_t k = 0; k < chart.keys.size(); ++k)
    entries.emplace_back(chart.keys[k], static_cast<std::size_t>(k) < chart.key_colors.size() ? chart.key_colors[k]
                                                                                              : static_cast<int>(k));
  std::string body;
  const double legend_h = legend(body, entries, 46);
  const double top = 46 + legend_h + 6;
  double left = 12;
  for (const Bar& b : chart.bars) left = std::max(left, text_width(b.category) + 22);
  left = std::min(left, 300.0);
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
  // Room at the right for the longest end label.
  double label_room = 40;
  for (const Bar& b : chart.bars)
    for (const Segment& s : b.segments)
      label_room = std::max(label_room, text_width(s.label.empty() ? tick_label(chart.value, s.value) : s.label) + 14);
  const double right = kWidth - std::min(label_room, 200.0);
  const Mapping xm = map_axis(chart.value, chart.value.scale == Scale::log ? lo : 0, hi, left, right);
  // Bands: a stacked bar is one row; grouped bars one row per segment.
  double y = top;
  std::string bars;
  for (const Bar& b : chart.bars) {
    const double rows = chart.stacked ? 1 : static_cast<double>(std::max<std::size_t>(1, b.segments.size()));
    const double band = rows * 16 + 10;
    bars += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#222\">{}</text>\n", num(left - 8),
                        num(y + band / 2 + 4), escape(b.category));
    double x0 = xm(chart.value.scale == Scale::log ? xm.lo : 0);
    double row_y = y + 5;
    double acc = 0;
    for (const Segment& s : b.segments) {
      const char* c = key_colour(s.key);
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
      const double h = chart.stacked ? band - 10 : 14;
      const std::string label = s.label.empty() ? tick_label(chart.value, s.value) : s.label;
      bars += fmt::format(
          "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: "
          "{}</title></rect>\n",
          num(x1), num(row_y), num(std::max(x2 - x1, 1.5)), num(h), c, escape(b.category + " · " + chart.keys[s.key]),
          escape(label));
      ++r.marks;
      if (s.low && s.high && *s.high > *s.low) error_bar_h(bars, row_y + h / 2, xm(*s.low), xm(*s.high), "#222");
      if (!chart.stacked) {
        const double end = std::max(x2, s.high ? xm(*s.high) : x2);
        bars += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333\" font-size=\"11\">{}</text>\n", num(end + 5),
                            num(row_y + 11), escape(label));
        row_y += 16;
      }
    }
    if (chart.stacked && !b.segments.empty()) {
      std::string total = b.segments.back().label;
      if (total.empty()) total = tick_label(chart.value, acc);
      bars += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333\" font-size=\"11\">{}</text>\n", num(xm(acc) + 5),
                          num(y + band / 2 + 4), escape(total));
    }
    y += band;
  }
  const double bottom = y + 4;
  for (const double t : xm.ticks) {
    const double x = xm(t);
    body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e3e3\"/>\n", num(x), num(top),
                        num(x), num(bottom));
    body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333\">{}</text>\n", num(x),
                        num(bottom + 16), escape(tick_label(chart.value, t)));
  }
  body += bars;
  body += fmt::format("<path d=\"M{} {}V{}H{}\" stroke=\"#444\" fill=\"none\"/>\n", num(left), num(top), num(bottom),
                      num(right));
  body += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#222\">{}</text>\n",
                      num((left + right) / 2), num(bottom + 34), escape(chart.value.label));
  const auto lines = wrapped(chart.footer);
  footer(body, lines, bottom + 56);
  const double height = bottom + 50 + 13.0 * static_cast<double>(lines.size());
  r.svg = open_svg(height, chart.title) + body + "</svg>\n";
  return r;
}

}  // namespace benchlab::svg
