// The type-coverage matrix: arrays, composites, ranges, domains, enums, interval,
// time/timetz, inet/cidr, macaddr, bit strings, money, oid and the edge values of
// the scalars, decoded in text and binary and compared with what the server says
// the values are (regress/data/type_coverage.sql holds the table).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decode/row_decoder.hpp"
#include "decode/type_decoders.hpp"
#include "decode/value.hpp"
#include "plan/table.hpp"
#include "support.hpp"

using namespace benchlab;
using namespace benchlab::decode;
using namespace std::string_view_literals;

namespace {

Value decode_text(std::uint32_t type_oid, std::string_view text, const TypeCatalog* catalog = nullptr) {
  Scratch scratch;
  scratch.catalog = catalog;
  const ColumnDecoder d = resolve_decoder(type_oid, 0, catalog);
  REQUIRE(d.known);
  return d.fn(text.data(), text.size(), d.decode_oid, scratch);
}

// A container's elements, each described (decode::describe), joined by '|'.
std::string elements(const char* data, std::size_t length, std::uint32_t type_oid, int format,
                     const TypeCatalog* catalog) {
  std::string out;
  bool first = true;
  for_each_element(data, length, type_oid, format, catalog, [&](const Value& v) {
    if (!first) out += '|';
    first = false;
    out += describe(v);
  });
  return out;
}
std::string elements(std::string_view text, std::uint32_t type_oid) {
  return elements(text.data(), text.size(), type_oid, 0, nullptr);
}

constexpr std::uint32_t kInt4Array = 1007, kTextArray = 1009, kInt4Range = 3904;

}  // namespace

// ---- no server needed ------------------------------------------------------

TEST_CASE("interval, time and timetz text forms decode to PostgreSQL's fields", "[decode][types]") {
  CHECK(std::get<Interval>(decode_text(oid::kInterval, "1 year 2 mons 3 days 04:05:06.789")) ==
        Interval{((4 * 60 + 5) * 60 + 6) * 1000000LL + 789000, 3, 14});
  CHECK(std::get<Interval>(decode_text(oid::kInterval, "-1 days +02:03:00")) ==
        Interval{(2 * 3600 + 3 * 60) * 1000000LL, -1, 0});
  CHECK(std::get<Interval>(decode_text(oid::kInterval, "-00:00:01")) == Interval{-1000000, 0, 0});
  CHECK(std::get<Interval>(decode_text(oid::kInterval, "00:00:00")) == Interval{});
  CHECK(std::get<Interval>(decode_text(oid::kInterval, "-178000000 years")) == Interval{0, 0, -2136000000});
  CHECK_THROWS_AS(decode_text(oid::kInterval, "3 fortnights"), DecodeError);
  CHECK(std::get<Time>(decode_text(oid::kTime, "24:00:00")).us == 86400000000LL);
  CHECK(std::get<TimeTz>(decode_text(oid::kTimetz, "12:00:00.5+05:30:15")) ==
        TimeTz{12 * 3600000000LL + 500000, -(5 * 3600 + 30 * 60 + 15)});
  CHECK(std::get<TimeTz>(decode_text(oid::kTimetz, "00:00:00-15:59")).zone_west_s == 15 * 3600 + 59 * 60);
}

TEST_CASE("network addresses, bit strings, money and oid decode from their text forms", "[decode][types]") {
  const Inet host = std::get<Inet>(decode_text(oid::kInet, "192.168.1.5"));
  CHECK(describe(host) == "192.168.1.5/32");
  CHECK_FALSE(host.cidr);
  const Inet net = std::get<Inet>(decode_text(oid::kCidr, "2001:db8::/32"));
  CHECK(net.family == 6);
  CHECK(net.bits == 32);
  CHECK(net.cidr);
  CHECK_THROWS_AS(decode_text(oid::kInet, "300.1.1.1"), DecodeError);
  CHECK(describe(decode_text(oid::kMacaddr, "08:00:2b:01:02:03")) == "08:00:2b:01:02:03");
  CHECK(describe(decode_text(oid::kMacaddr8, "08:00:2b:01:02:03:04:05")) == "08:00:2b:01:02:03:04:05");
  const Value bits = decode_text(oid::kVarbit, "101000001");
  CHECK(std::get<Bits>(bits).length == 9);
  CHECK(describe(bits) == "101000001");
  CHECK(std::get<Money>(decode_text(oid::kMoney, "-$92,233,720,368,547,758.08")).cents ==
        std::numeric_limits<std::int64_t>::min());
  CHECK(std::get<Money>(decode_text(oid::kMoney, "$1,234.56")).cents == 123456);
  CHECK(std::get<std::uint32_t>(decode_text(oid::kOid, "4294967295")) == 4294967295U);
}

TEST_CASE("text arrays, rows and ranges: quoting, NULLs, bounds and dimensions", "[decode][types]") {
  const Array a = std::get<Array>(decode_text(kTextArray, R"({plain,"with space","q\"x","b\\s",NULL,"NULL","",é})"));
  CHECK(a.elements == 8);
  CHECK(a.null_elements == 1);
  CHECK(a.dimensions == 1);
  CHECK(elements(R"({plain,"with space","q\"x","b\\s",NULL,"NULL","",é})", kTextArray) ==
        "plain|with space|q\"x|b\\s|NULL|NULL||é");
  const Array two = std::get<Array>(decode_text(kInt4Array, "{{1,NULL},{3,4}}"));
  CHECK(two.dimensions == 2);
  CHECK(two.elements == 4);
  CHECK(elements("[0:2]={7,8,9}", kInt4Array) == "7|8|9");
  CHECK(std::get<Array>(decode_text(kInt4Array, "{}")).elements == 0);
  CHECK_THROWS_AS(decode_text(kInt4Array, "{1,2"), DecodeError);
  CHECK_THROWS_AS(decode_text(kInt4Array, "{1,x}"), DecodeError);

  CHECK(std::get<Range>(decode_text(kInt4Range, "empty")).flags == Range::kEmpty);
  const Range r = std::get<Range>(decode_text(kInt4Range, "[1,10)"));
  CHECK(r.flags == Range::kLowerInclusive);
  CHECK(elements("[1,10)", kInt4Range) == "1|10");
  CHECK(std::get<Range>(decode_text(kInt4Range, "(,5)")).flags == Range::kLowerInfinite);
  CHECK(std::get<Range>(decode_text(kInt4Range, "(,)")).flags == (Range::kLowerInfinite | Range::kUpperInfinite));

  // An anonymous record's fields are kept raw (text carries no field types).
  CHECK(elements(R"((a,,"x ""y"" \\z"))", oid::kRecord) == "raw:61|NULL|raw:7820227922205c7a");
}

// ---- values the server produced --------------------------------------------

TEST_CASE("every type of the coverage table decodes to what the server says it is", "[db][decode][types]") {
  test::ScratchDatabase db("types_facts");
  const pg::Connection admin = db.admin();
  test::load_type_coverage(admin);
  std::vector<std::uint32_t> oids;
  const pg::Result cols = admin.exec(
      "SELECT atttypid FROM pg_attribute WHERE attrelid = 'public.cov_types'::regclass AND attnum > 0 ORDER BY attnum");
  for (int i = 0; i < cols.rows(); ++i) oids.push_back(static_cast<std::uint32_t>(cols.uint64(i, 0, "atttypid")));
  const TypeCatalog catalog = plan::describe_types(admin, oids);
  CHECK(catalog
            .find(static_cast<std::uint32_t>(
                std::stoul(admin.query_value("SELECT 'public.cov_mood'::regtype::oid::text"))))
            ->kind == TypeDescription::Kind::enumeration);

  // What the server says, per row (text): NULL where the column is NULL.
  const pg::Result facts = admin.exec(R"(
    SELECT id,
      (extract(year FROM iv) * 12 + extract(month FROM iv))::int, extract(day FROM iv)::int,
      ((extract(hour FROM iv) * 3600 + extract(minute FROM iv) * 60) * 1000000 + extract(microseconds FROM iv))::bigint,
      (extract(epoch FROM tm) * 1000000)::bigint, (extract(epoch FROM ttz::time) * 1000000)::bigint,
      (-extract(timezone FROM ttz))::int,
      host(ip) || '/' || masklen(ip), host(net) || '/' || masklen(net), mac::text, mac8::text, bt::text, vb::text,
      (m::numeric * 100)::bigint, o::bigint, mood::text, pos, email,
      CASE WHEN a_i4 IS NOT NULL THEN coalesce((SELECT string_agg(coalesce(e::text, 'NULL'), '|' ORDER BY k) FROM unnest(a_i4) WITH ORDINALITY x(e, k)), '') END,
      CASE WHEN a_t IS NOT NULL THEN coalesce((SELECT string_agg(coalesce(e::text, 'NULL'), '|' ORDER BY k) FROM unnest(a_t) WITH ORDINALITY x(e, k)), '') END,
      CASE WHEN a_n IS NOT NULL THEN coalesce((SELECT string_agg(coalesce(e::text, 'NULL'), '|' ORDER BY k) FROM unnest(a_n) WITH ORDINALITY x(e, k)), '') END,
      CASE WHEN a_2d IS NOT NULL THEN coalesce((SELECT string_agg(coalesce(e::text, 'NULL'), '|' ORDER BY k) FROM unnest(a_2d) WITH ORDINALITY x(e, k)), '') END,
      CASE WHEN a_mood IS NOT NULL THEN coalesce((SELECT string_agg(coalesce(e::text, 'NULL'), '|' ORDER BY k) FROM unnest(a_mood) WITH ORDINALITY x(e, k)), '') END,
      CASE WHEN a_pos IS NOT NULL THEN coalesce((SELECT string_agg(coalesce(e::text, 'NULL'), '|' ORDER BY k) FROM unnest(a_pos) WITH ORDINALITY x(e, k)), '') END,
      cardinality(a_2d), coalesce(array_ndims(a_2d), 0),
      (pair).label, (pair).amount::text,
      CASE WHEN isempty(r_i4) THEN 'empty' ELSE coalesce(lower(r_i4)::text, '-inf') || '|' ||
        coalesce(upper(r_i4)::text, 'inf') || '|' || lower_inc(r_i4) || '|' || upper_inc(r_i4) END,
      CASE WHEN isempty(r_n) THEN 'empty' ELSE coalesce(lower(r_n)::text, '-inf') || '|' ||
        coalesce(upper(r_n)::text, 'inf') || '|' || lower_inc(r_n) || '|' || upper_inc(r_n) END,
      n_big::text, encode(ba, 'hex'), t,
      CASE WHEN isfinite(ts) THEN (extract(epoch FROM ts - timestamp '2000-01-01') * 1000000)::bigint END,
      CASE WHEN isfinite(tstz) THEN (extract(epoch FROM tstz - timestamptz '2000-01-01 00:00:00+00') * 1000000)::bigint
      END,
      f4::text, f8::text
    FROM public.cov_types ORDER BY id)");
  const std::string query = "SELECT * FROM public.cov_types ORDER BY id";
  std::uint64_t folds[2] = {0, 0};
  for (const int format : {0, 1}) {
    INFO("format " << format);
    const pg::Result result = admin.exec_params(query, {}, format);
    REQUIRE(result.rows() == facts.rows());
    RowDecoder decoder(catalog);
    decoder.consume(result.get());
    CHECK(decoder.totals().unknown_values == 0);  // every column's type is decoded
    folds[format] = decoder.value_fold();

    const PGresult* r = result.get();
    Scratch scratch;
    scratch.catalog = &catalog;
    auto cell = [&](int row, const char* column) -> Value {
      const int c = PQfnumber(r, column);
      REQUIRE(c >= 0);
      if (PQgetisnull(r, row, c)) return Null{};
      const ColumnDecoder d = resolve_decoder(PQftype(r, c), format, &catalog);
      REQUIRE(d.known);
      return d.fn(PQgetvalue(r, row, c), static_cast<std::size_t>(PQgetlength(r, row, c)), d.decode_oid, scratch);
    };
    auto items = [&](int row, const char* column) -> std::optional<std::string> {
      const int c = PQfnumber(r, column);
      if (PQgetisnull(r, row, c)) return std::nullopt;
      return elements(PQgetvalue(r, row, c), static_cast<std::size_t>(PQgetlength(r, row, c)), PQftype(r, c), format,
                      &catalog);
    };
    auto fact = [&](int row, int col) -> std::optional<std::string> {
      if (facts.is_null(row, col)) return std::nullopt;
      return std::string(facts.text(row, col, "fact"));
    };
    auto as_string = [](const Value& v) -> std::optional<std::string> {
      if (std::holds_alternative<Null>(v)) return std::nullopt;
      return describe(v);
    };
    for (int row = 0; row < result.rows(); ++row) {
      INFO("id " << facts.text(row, 0, "id"));
      const Value iv = cell(row, "iv");
      if (const auto* x = std::get_if<Interval>(&iv)) {
        CHECK(std::to_string(x->months) == fact(row, 1));
        CHECK(std::to_string(x->days) == fact(row, 2));
        CHECK(std::to_string(x->us) == fact(row, 3));
      } else {
        CHECK_FALSE(fact(row, 1));
      }
      const Value tm = cell(row, "tm");
      CHECK((std::holds_alternative<Null>(tm) ? std::nullopt : std::optional(std::to_string(std::get<Time>(tm).us))) ==
            fact(row, 4));
      const Value ttz = cell(row, "ttz");
      if (const auto* x = std::get_if<TimeTz>(&ttz)) {
        CHECK(std::to_string(x->us) == fact(row, 5));
        CHECK(std::to_string(x->zone_west_s) == fact(row, 6));
      }
      CHECK(as_string(cell(row, "ip")) == fact(row, 7));
      CHECK(as_string(cell(row, "net")) == fact(row, 8));
      CHECK(as_string(cell(row, "mac")) == fact(row, 9));
      CHECK(as_string(cell(row, "mac8")) == fact(row, 10));
      CHECK(as_string(cell(row, "bt")) == fact(row, 11));
      CHECK(as_string(cell(row, "vb")) == fact(row, 12));
      const Value m = cell(row, "m");
      CHECK(
          (std::holds_alternative<Null>(m) ? std::nullopt : std::optional(std::to_string(std::get<Money>(m).cents))) ==
          fact(row, 13));
      CHECK(as_string(cell(row, "o")) == fact(row, 14));
      CHECK(as_string(cell(row, "mood")) == fact(row, 15));  // the enum's label
      CHECK(as_string(cell(row, "pos")) == fact(row, 16));   // a domain: its base type
      CHECK(as_string(cell(row, "email")) == fact(row, 17));
      CHECK(items(row, "a_i4") == fact(row, 18));
      CHECK(items(row, "a_t") == fact(row, 19));
      CHECK(items(row, "a_n") == fact(row, 20));
      CHECK(items(row, "a_2d") == fact(row, 21));
      CHECK(items(row, "a_mood") == fact(row, 22));  // enum elements
      CHECK(items(row, "a_pos") == fact(row, 23));   // domain elements (binary: the domain's OID)
      const Value a2 = cell(row, "a_2d");
      if (const auto* x = std::get_if<Array>(&a2)) {
        CHECK(std::to_string(x->elements) == fact(row, 24));
        CHECK(std::to_string(x->dimensions) == fact(row, 25));
      }
      if (const auto pair = items(row, "pair")) {
        // label|amount|tags (an array)|at
        const std::string label = pair->substr(0, pair->find('|'));
        CHECK((label == "NULL" ? std::nullopt : std::optional(label)) == fact(row, 26));
        const std::string rest = pair->substr(pair->find('|') + 1);
        const std::string amount = rest.substr(0, rest.find('|'));
        CHECK((amount == "NULL" ? std::nullopt : std::optional(amount)) == fact(row, 27));
      }
      for (const auto& [column, col] : {std::pair{"r_i4", 28}, std::pair{"r_n", 29}}) {
        const Value rv = cell(row, column);
        if (const auto* x = std::get_if<Range>(&rv)) {
          std::string shown;
          if ((x->flags & Range::kEmpty) != 0) {
            shown = "empty";
          } else {
            const std::string bounds = *items(row, column);
            std::string lower = (x->flags & Range::kLowerInfinite) != 0 ? "-inf" : bounds.substr(0, bounds.find('|'));
            std::string upper = (x->flags & Range::kUpperInfinite) != 0 ? "inf" : bounds.substr(bounds.rfind('|') + 1);
            if ((x->flags & Range::kLowerInfinite) != 0 && (x->flags & Range::kUpperInfinite) == 0) upper = bounds;
            shown = lower + "|" + upper + "|" + ((x->flags & Range::kLowerInclusive) != 0 ? "true" : "false") + "|" +
                    ((x->flags & Range::kUpperInclusive) != 0 ? "true" : "false");
          }
          CHECK(shown == fact(row, col));
        } else {
          CHECK_FALSE(fact(row, col));
        }
      }
      CHECK(as_string(cell(row, "n_big")) == fact(row, 30));  // 1000-digit and 601.400-digit numerics
      const Value ba = cell(row, "ba");
      if (const auto* x = std::get_if<Bytea>(&ba)) CHECK("\\x" + fact(row, 31).value() == describe(*x));
      CHECK(as_string(cell(row, "t")) == fact(row, 32));  // tabs, newlines, backslashes, \N, UTF-8
      for (const auto& [column, col] : {std::pair{"ts", 33}, std::pair{"tstz", 34}}) {
        const Value tv = cell(row, column);
        if (const auto* x = std::get_if<Timestamp>(&tv)) {
          if (x->is_finite())
            CHECK(std::to_string(x->us_since_2000) == fact(row, col));  // BC, 5- and 6-digit years
          else
            CHECK_FALSE(fact(row, col));
        }
      }
    }
    // The float edges of row 2 and 3: NaN, -0, ±Infinity.
    CHECK(std::isnan(std::get<float>(cell(1, "f4"))));
    const double minus_zero = std::get<double>(cell(1, "f8"));
    CHECK((minus_zero == 0.0 && std::signbit(minus_zero)));
    CHECK(std::get<float>(cell(2, "f4")) == std::numeric_limits<float>::infinity());
    CHECK(std::get<double>(cell(2, "f8")) == -std::numeric_limits<double>::infinity());
    CHECK(std::get<Decimal>(cell(1, "n")).kind() == Decimal::Kind::nan);
    CHECK(std::get<Decimal>(cell(2, "n")).kind() == Decimal::Kind::pos_infinity);
    CHECK(std::get<Date>(cell(2, "d")).days_since_2000 == Date::kInfinity);
    CHECK(std::holds_alternative<Null>(cell(3, "pair")));  // the row of NULLs
  }
  // Text and binary arrive at the same decoded values.
  CHECK(folds[0] == folds[1]);
}
