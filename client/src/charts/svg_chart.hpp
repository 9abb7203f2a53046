// A small SVG chart writer of the project's own: line charts (log or linear axes,
// error bars, dashed reference lines) and horizontal bar charts (grouped or
// stacked, error bars). Why not gnuplot: its SVG differs from one version to the
// next (the committed reports and charts are checked byte for byte against what the
// artifacts produce), and the browser check needs every data mark to be an
// element of its own (class "mark") it can count. Output is deterministic: the
// same chart gives the same bytes on every machine.
//
// Charts are drawn narrow (kChartWidth user units, text at least 12): a phone shows
// one at about its own width, so its text stays readable (about 11 CSS px and up);
// a wide page lays several side by side.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace benchlab::svg {

enum class Scale { linear, log };

// The width every chart is drawn at, in SVG user units.
inline constexpr double kChartWidth = 380;

// The shape of a line chart's marks: series whose colours are near each other still
// differ by their marks.
enum class Marker { circle, square, triangle, diamond, triangle_down, cross, star };

// How a figure reads on an axis (e.g. "1.2M", "35 ms").
using Format = std::function<std::string(double)>;

struct Axis {
  std::string label;  // with its unit: "rows/s", "peak RSS (MiB)"
  Scale scale = Scale::linear;
  Format format;              // tick labels (default: compact SI)
  std::vector<double> ticks;  // explicit ticks (empty: chosen from the range)
  bool from_zero = true;      // a linear axis starts at 0
};

struct Point {
  double x = 0, y = 0;
  std::optional<double> low, high;  // an error bar (stddev, or min … max of the runs)
};

struct Series {
  std::string name;
  std::vector<Point> points;
  bool reference = false;  // drawn dashed, without marks (a bound, not a measurement)
  int color = -1;          // palette index (-1: the series' position)
  Marker marker = Marker::circle;
};

struct LineChart {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  std::vector<std::string> footer;  // provenance lines (artifact, command, fingerprint)
};

struct Segment {
  int key = 0;  // index into BarChart::keys (its legend entry and colour)
  double value = 0;
  std::optional<double> low, high;  // error bar
  std::string label;                // drawn at the bar's end (empty: the value)
  int color = -1;                   // palette index over the key's (-1: the key's)
};

struct Bar {
  std::string category;
  std::vector<Segment> segments;  // stacked left to right, or one bar each
  std::string series{};           // the series it shows (a strategy), named on its marks; empty: none
};

struct BarChart {
  std::string title;
  Axis value;                     // the horizontal axis
  std::vector<std::string> keys;  // legend (empty: none; the categories name the bars)
  std::vector<int> key_colors;    // palette index per key (empty: the key's position)
  std::vector<Bar> bars;
  bool stacked = false;
  std::vector<std::string> footer;
};

// The SVG element, and how many data marks it holds (the browser check counts them).
struct Rendered {
  std::string svg;         // a file of its own: the footer (provenance) at its bottom
  std::string inline_svg;  // for a page that prints the provenance beside it: no footer
  int marks = 0;
};

[[nodiscard]] Rendered render(const LineChart& chart);
[[nodiscard]] Rendered render(const BarChart& chart);

// Text and attribute values escaped for XML.
[[nodiscard]] std::string escape(const std::string& text);
// Compact figures for tick labels: 1.2M, 500k, 0.25.
[[nodiscard]] std::string compact(double v);
// The colour of palette index `index` ("#0072B2").
[[nodiscard]] const char* colour(int index);

}  // namespace benchlab::svg
