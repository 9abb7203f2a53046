// Typed decoding of values the server produced, in text and binary, and the
// RowDecoder's totals (rows, bytes, checksum, unknown values).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "benchlab/row_checksum.hpp"
#include "decode/decoded_rows.hpp"
#include "decode/json_scan.hpp"
#include "decode/row_decoder.hpp"
#include "decode/type_decoders.hpp"
#include "decode/value.hpp"
#include "support.hpp"

using namespace benchlab;
using namespace benchlab::decode;
using namespace std::string_view_literals;

namespace {

constexpr int kFormats[] = {0, 1};

// Runs `sql` in `format` and keeps its single row decoded.
DecodedRows keep_one(const pg::Connection& conn, const std::string& sql, int format, DecodeTotals* totals = nullptr) {
  DecodedRows rows;
  RowDecoder decoder;
  const PGresult* r = rows.adopt(conn.exec_params(sql, {}, format));
  decoder.consume_and_keep(r, rows);
  if (totals != nullptr) *totals = decoder.totals();
  REQUIRE(rows.rows() == 1);
  return rows;
}

template <typename T>
T get(const DecodedRows& rows, std::size_t col, std::size_t row = 0) {
  const Value v = rows.value(row, col);
  INFO("column " << col << " holds alternative " << v.index());
  REQUIRE(std::holds_alternative<T>(v));
  return std::get<T>(v);
}

Decimal dec(std::int64_t unscaled, std::int16_t scale) { return Decimal::finite(unscaled, scale); }

}  // namespace

// ---- no server needed ------------------------------------------------------

TEST_CASE("numeric text parsing is exact", "[decode]") {
  CHECK(parse_numeric_text("-1.50") == dec(-150, 2));
  CHECK(parse_numeric_text("0") == dec(0, 0));
  CHECK(parse_numeric_text("0.000001234") == dec(1234, 9));
  CHECK(parse_numeric_text("NaN").kind() == Decimal::Kind::nan);
  CHECK(parse_numeric_text("-Infinity").kind() == Decimal::Kind::neg_infinity);
  const Decimal max38 = parse_numeric_text("99999999999999999999999999999999999999");
  CHECK(max38.kind() == Decimal::Kind::finite);
  CHECK(max38.to_string() == "99999999999999999999999999999999999999");
  const Decimal big = parse_numeric_text("-123456789012345678901234567890123456789012.5");
  CHECK(big.kind() == Decimal::Kind::big);
  CHECK(big.scale() == 1);
  CHECK(big.to_string() == "-123456789012345678901234567890123456789012.5");
  CHECK(dec(-5, 3).to_string() == "-0.005");
  CHECK(dec(150, 2).to_string() == "1.50");
  CHECK_THROWS_AS(parse_numeric_text("1.2.3"), DecodeError);
  CHECK_THROWS_AS(parse_numeric_text(""), DecodeError);
}

TEST_CASE("timestamp and date text parsing", "[decode]") {
  CHECK(parse_timestamp_text("2000-01-01 00:00:00", false) == 0);
  CHECK(parse_timestamp_text("2000-01-01 00:00:00.000001", false) == 1);
  CHECK(parse_timestamp_text("1999-12-31 23:59:59.999999", false) == -1);
  CHECK(parse_timestamp_text("2000-01-01 05:30:00+05:30", true) == 0);
  CHECK(parse_timestamp_text("1999-12-31 19:00:00-05", true) == 0);
  CHECK(parse_timestamp_text("infinity", true) == Timestamp::kInfinity);
  CHECK(parse_timestamp_text("-infinity", false) == Timestamp::kNegInfinity);
  CHECK(parse_date_text("2000-01-01") == 0);
  CHECK(parse_date_text("1970-01-01") == -10957);
  CHECK(parse_date_text("0001-12-31 BC") == days_from_civil(0, 12, 31));
  CHECK_THROWS_AS(parse_timestamp_text("2000-01-01", false), DecodeError);
  CHECK_THROWS_AS(parse_timestamp_text("2000-01-01 00:00:00+00", false), DecodeError);
}

TEST_CASE("decoders are resolved by type OID, unknown types are raw", "[decode]") {
  for (const int format : kFormats) {
    CHECK(resolve_decoder(oid::kInt8, format).known);
    CHECK(resolve_decoder(oid::kJsonb, format).known);
    const ColumnDecoder point = resolve_decoder(600, format);
    CHECK_FALSE(point.known);
    Scratch scratch;
    const Value v = point.fn("(1,2)", 5, 600, scratch);
    CHECK(std::get<Raw>(v) == Raw{"(1,2)"sv, 600});
  }
}

// ---- values the server produced --------------------------------------------

TEST_CASE("integers, booleans and floats decode in text and binary", "[db][decode]") {
  test::ScratchDatabase db("decode_scalars");
  const auto conn = db.admin();
  for (const int format : kFormats) {
    INFO("format " << format);
    const auto rows = keep_one(conn,
                               "SELECT 42::int8, (-32768)::int2, 2147483647::int4, (-9223372036854775808)::int8, "
                               "true, false, 1.5::float4, (-0.1)::float8, 'Infinity'::float8, 'NaN'::float8, "
                               "'-Infinity'::float4, 1e-300::float8",
                               format);
    CHECK(get<std::int64_t>(rows, 0) == 42);
    CHECK(get<std::int16_t>(rows, 1) == -32768);
    CHECK(get<std::int32_t>(rows, 2) == 2147483647);
    CHECK(get<std::int64_t>(rows, 3) == std::numeric_limits<std::int64_t>::min());
    CHECK(get<bool>(rows, 4) == true);
    CHECK(get<bool>(rows, 5) == false);
    CHECK(get<float>(rows, 6) == 1.5f);
    CHECK(get<double>(rows, 7) == -0.1);
    CHECK(get<double>(rows, 8) == std::numeric_limits<double>::infinity());
    CHECK(std::isnan(get<double>(rows, 9)));
    CHECK(get<float>(rows, 10) == -std::numeric_limits<float>::infinity());
    CHECK(get<double>(rows, 11) == 1e-300);
  }
}

TEST_CASE("numeric decodes exactly in text and binary", "[db][decode]") {
  test::ScratchDatabase db("decode_numeric");
  const auto conn = db.admin();
  for (const int format : kFormats) {
    INFO("format " << format);
    const auto rows = keep_one(conn,
                               "SELECT -1.50::numeric(12,2), 0::numeric, 0.000001234::numeric, 1.5::numeric(10,4), "
                               "10000::numeric, 0.0001::numeric, 'NaN'::numeric, 'Infinity'::numeric, "
                               "'-Infinity'::numeric, 123456789012345678901234567890.12345678::numeric, "
                               "'1e50'::numeric, -12345678901234567890123456789012345678901234.5678::numeric, "
                               "1234567.000000000000000000000000000000000000000001::numeric, 7012.61::numeric(12,2), "
                               "(-0.5)::numeric(3,1)",
                               format);
    CHECK(get<Decimal>(rows, 0) == dec(-150, 2));
    CHECK(get<Decimal>(rows, 1) == dec(0, 0));
    CHECK(get<Decimal>(rows, 2) == dec(1234, 9));
    CHECK(get<Decimal>(rows, 3) == dec(15000, 4));
    CHECK(get<Decimal>(rows, 4) == dec(10000, 0));
    CHECK(get<Decimal>(rows, 5) == dec(1, 4));
    CHECK(get<Decimal>(rows, 6).kind() == Decimal::Kind::nan);
    CHECK(get<Decimal>(rows, 7).kind() == Decimal::Kind::pos_infinity);
    CHECK(get<Decimal>(rows, 8).kind() == Decimal::Kind::neg_infinity);
    const Decimal d38 = get<Decimal>(rows, 9);
    CHECK(d38.kind() == Decimal::Kind::finite);
    CHECK(d38.scale() == 8);
    CHECK(d38.to_string() == "123456789012345678901234567890.12345678");
    const Decimal e50 = get<Decimal>(rows, 10);
    CHECK(e50.kind() == Decimal::Kind::big);
    CHECK(e50.to_string() == "1" + std::string(50, '0'));
    const Decimal neg_big = get<Decimal>(rows, 11);
    CHECK(neg_big.kind() == Decimal::Kind::big);
    CHECK(neg_big.scale() == 4);
    CHECK(neg_big.to_string() == "-12345678901234567890123456789012345678901234.5678");
    const Decimal small_scale = get<Decimal>(rows, 12);
    CHECK(small_scale.kind() == Decimal::Kind::big);
    CHECK(small_scale.scale() == 42);
    CHECK(small_scale.to_string() == "1234567.000000000000000000000000000000000000000001");
    CHECK(get<Decimal>(rows, 13) == dec(701261, 2));
    CHECK(get<Decimal>(rows, 14) == dec(-5, 1));
  }
  // Around the binary decoder's 64-bit fast path (at most 18 digits) and the text one's (19).
  const char* edges[] = {"99999999999999",
                         "999999999999999999",
                         "-9999999999.99999999",
                         "1234567890.1234",
                         "9999999999999999999",
                         "-0.000000000000000000000000000000000000000000000001",
                         "100000000000000000000.00000000000000001",
                         "0.10"};
  for (const int format : kFormats) {
    for (const char* edge : edges) {
      INFO("format " << format << " value " << edge);
      const auto rows = keep_one(conn, std::string("SELECT '") + edge + "'::numeric", format);
      const Decimal d = get<Decimal>(rows, 0);
      CHECK(d.kind() == Decimal::Kind::finite);
      CHECK(d.to_string() == edge);
      CHECK(d == parse_numeric_text(edge));
    }
  }
}

TEST_CASE("timestamps and dates decode in text and binary", "[db][decode]") {
  test::ScratchDatabase db("decode_time");
  const auto conn = db.admin();
  // The expectations come from the server as integers (microseconds / days since 2000-01-01).
  const std::string values =
      "('2024-01-02 03:04:05.123456'::timestamp), ('2000-01-01 00:00:00.000001'), ('1999-12-31 23:59:59.999999'), "
      "('1969-07-20 20:17:40.5'), ('0044-03-15 12:00:00 BC'), ('10000-01-01 00:00:00')";
  for (const int format : kFormats) {
    INFO("format " << format);
    auto result = conn.exec_params(
        "SELECT ts, ts AT TIME ZONE INTERVAL '05:30', "
        "(extract(epoch FROM ts) * 1000000)::int8 - 946684800000000, ts::date, ts::date - '2000-01-01'::date "
        "FROM (VALUES " +
            values + ") AS v(ts)",
        {}, format);
    DecodedRows rows;
    RowDecoder decoder;
    decoder.consume_and_keep(rows.adopt(std::move(result)), rows);
    REQUIRE(rows.rows() == 6);
    for (std::size_t r = 0; r < rows.rows(); ++r) {
      INFO("row " << r);
      const std::int64_t want_us = get<std::int64_t>(rows, 2, r);
      CHECK(get<Timestamp>(rows, 0, r).us_since_2000 == want_us);
      // timestamp AT TIME ZONE +05:30 = the timestamptz of that local time: 5:30 earlier in UTC.
      CHECK(get<Timestamp>(rows, 1, r).us_since_2000 == want_us - (5 * 3600 + 1800) * std::int64_t{1000000});
      CHECK(get<Date>(rows, 3, r).days_since_2000 == get<std::int32_t>(rows, 4, r));
    }
    CHECK(get<Timestamp>(rows, 0, 0).us_since_2000 ==
          (std::int64_t{8767} * 86400 + 3 * 3600 + 4 * 60 + 5) * 1000000 + 123456);
    CHECK(get<Timestamp>(rows, 0, 1).us_since_2000 == 1);
    CHECK(get<Timestamp>(rows, 0, 2).us_since_2000 == -1);

    const auto special = keep_one(conn,
                                  "SELECT 'infinity'::timestamptz, '-infinity'::timestamp, 'infinity'::date, "
                                  "'-infinity'::date, '2024-06-30 23:59:59.999999+02'::timestamptz",
                                  format);
    CHECK(get<Timestamp>(special, 0).us_since_2000 == Timestamp::kInfinity);
    CHECK(get<Timestamp>(special, 1).us_since_2000 == Timestamp::kNegInfinity);
    CHECK(get<Date>(special, 2).days_since_2000 == Date::kInfinity);
    CHECK(get<Date>(special, 3).days_since_2000 == Date::kNegInfinity);
    CHECK(get<Timestamp>(special, 4).us_since_2000 == parse_timestamp_text("2024-06-30 21:59:59.999999", false));
  }
}

TEST_CASE("text, bytea, uuid, json and jsonb decode in text and binary", "[db][decode]") {
  test::ScratchDatabase db("decode_strings");
  const auto conn = db.admin();
  for (const int format : kFormats) {
    INFO("format " << format);
    const auto rows = keep_one(conn,
                               "SELECT 'héllo wörld ✓'::text, 'abc'::varchar(5), 'ab'::char(4), 'pg_class'::name, "
                               "''::text, '\\x00ff10'::bytea, ''::bytea, "
                               "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '{\"a\":[1,2]}'::jsonb, "
                               "'[1, 2, 3]'::json, '\"s\"'::jsonb, 'null'::jsonb, "
                               "'{\"user_id\": 7, \"action\": \"view\", \"meta\": {\"session\": 9}}'::jsonb",
                               format);
    CHECK(get<std::string_view>(rows, 0) == "héllo wörld ✓");
    CHECK(get<std::string_view>(rows, 1) == "abc");
    CHECK(get<std::string_view>(rows, 2) == "ab  ");
    CHECK(get<std::string_view>(rows, 3) == "pg_class");
    CHECK(get<std::string_view>(rows, 4).empty());
    CHECK(get<Bytea>(rows, 5).bytes == std::string_view("\x00\xff\x10", 3));
    CHECK(get<Bytea>(rows, 6).bytes.empty());
    const Uuid u = get<Uuid>(rows, 7);
    CHECK(u.bytes[0] == 0xa0);
    CHECK(u.bytes[15] == 0x11);
    const Json a = get<Json>(rows, 8);
    CHECK(a.text == R"({"a": [1, 2]})");  // jsonb prints normalized
    CHECK(a.root == Json::Root::object);
    CHECK(a.members == 1);
    CHECK(a.binary);
    const Json arr = get<Json>(rows, 9);
    CHECK(arr.text == "[1, 2, 3]");  // json keeps the input text
    CHECK(arr.root == Json::Root::array);
    CHECK(arr.members == 3);
    CHECK_FALSE(arr.binary);
    CHECK(get<Json>(rows, 10).root == Json::Root::string);
    CHECK(get<Json>(rows, 11).root == Json::Root::null);
    CHECK(get<Json>(rows, 12).members == 3);
    // The views point into the PGresult the DecodedRows owns (text) ...
    CHECK(rows.copied_bytes() == (format == 0 ? 3u : 0u));  // ... except text-format bytea, decoded from hex
  }
}

TEST_CASE("NULLs decode as Null and hash as NULL", "[db][decode]") {
  test::ScratchDatabase db("decode_nulls");
  const auto conn = db.admin();
  for (const int format : kFormats) {
    INFO("format " << format);
    DecodeTotals totals;
    const auto rows = keep_one(conn,
                               "SELECT NULL::text, NULL::int8, NULL::numeric, NULL::jsonb, NULL::timestamptz, "
                               "NULL::bytea, NULL::point, 1::int4",
                               format, &totals);
    for (std::size_t c = 0; c < 7; ++c) {
      CHECK(rows.is_null(0, c));
      CHECK(std::holds_alternative<Null>(rows.value(0, c)));
    }
    CHECK_FALSE(rows.is_null(0, 7));
    CHECK(totals.unknown_values == 0);  // a NULL of an unknown type is not a kept raw value
    CHECK(totals.bytes == (format == 0 ? 1u : 4u));
  }
}

TEST_CASE("types the decoder does not know are kept raw and counted", "[db][decode]") {
  test::ScratchDatabase db("decode_unknown");
  const auto conn = db.admin();
  conn.exec("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
  for (const int format : kFormats) {
    INFO("format " << format);
    DecodeTotals totals;
    // Without a catalog (plan::describe_types) an enum is not known either.
    const auto rows = keep_one(conn, "SELECT point(1,2), 'happy'::mood, '<(1,2),3>'::circle, 5::int4", format, &totals);
    CHECK(totals.unknown_values == 3);
    CHECK_FALSE(rows.column(0).known);
    CHECK(get<Raw>(rows, 0).type_oid == 600);
    if (format == 0) {
      CHECK(get<Raw>(rows, 0).bytes == "(1,2)");
      CHECK(get<Raw>(rows, 1).bytes == "happy");
      CHECK(get<Raw>(rows, 2).bytes == "<(1,2),3>");
    } else {
      CHECK(get<Raw>(rows, 0).bytes.size() == 16);  // two float8
      CHECK(get<Raw>(rows, 1).bytes == "happy");    // enum_send sends the label
    }
    CHECK(get<std::int32_t>(rows, 3) == 5);
  }
}

TEST_CASE("RowDecoder totals equal an independently computed checksum", "[db][decode][checksum]") {
  test::ScratchDatabase db("decode_totals");
  const auto conn = db.admin();
  const std::string sql =
      "SELECT i::int8, CASE WHEN i % 3 = 0 THEN NULL ELSE 'row ' || i END, (i * 1.25)::numeric(10,2), "
      "jsonb_build_object('i', i), point(i, i) FROM generate_series(1, 50) AS i";
  for (const int format : kFormats) {
    INFO("format " << format);
    const pg::Result result = conn.exec_params(sql, {}, format);
    PGresult* r = result.get();
    REQUIRE(PQntuples(r) == 50);

    // Independently: the byte image spelled out by hand, hashed with XXH3 directly.
    std::uint64_t sum = 0, bytes = 0;
    for (int row = 0; row < PQntuples(r); ++row) {
      std::string image;
      for (int c = 0; c < PQnfields(r); ++c) {
        const bool null = PQgetisnull(r, row, c) != 0;
        const std::uint32_t len = null ? 0xFFFFFFFFu : static_cast<std::uint32_t>(PQgetlength(r, row, c));
        for (int k = 0; k < 4; ++k) image.push_back(static_cast<char>((len >> (8 * k)) & 0xFF));
        if (!null) {
          image.append(PQgetvalue(r, row, c), len);
          bytes += len;
        }
      }
      sum += XXH3_64bits(image.data(), image.size());
    }

    RowDecoder plain;
    CHECK(plain.consume(r) == 50);
    CHECK(plain.totals().rows == 50);
    CHECK(plain.totals().checksum.rows == 50);
    CHECK(plain.totals().checksum.sum == sum);
    CHECK(plain.totals().bytes == bytes);
    CHECK(plain.totals().unknown_values == 50);
    CHECK(plain.value_fold() != 0);

    // consume_and_keep counts the same, and partitions add up.
    RowDecoder keeper;
    DecodedRows kept;
    keeper.consume_and_keep(r, kept);  // not owned by `kept`: it copies what it views
    keeper.consume_and_keep(r, kept);
    CHECK(kept.rows() == 100);
    CHECK(keeper.totals().checksum.sum == sum * 2);
    CHECK(keeper.totals().bytes == bytes * 2);
    CHECK(kept.copied_bytes() > 0);
    CHECK(get<std::int64_t>(kept, 0, 51) == 2);
  }
}

TEST_CASE("kept rows stay valid after the caller's result is gone, and shapes must match", "[db][decode]") {
  test::ScratchDatabase db("decode_keep");
  const auto conn = db.admin();
  DecodedRows kept;
  RowDecoder decoder;
  {
    const pg::Result result = conn.exec_params("SELECT 'kept text'::text, '{\"k\": 1}'::jsonb", {}, 0);
    decoder.consume_and_keep(result.get(), kept);
  }  // PQclear: kept holds copies
  // Overwrite freed memory with a new result of the same size.
  const pg::Result other = conn.exec_params("SELECT 'XXXX XXXX'::text, '{\"z\": 2}'::jsonb", {}, 0);
  CHECK(get<std::string_view>(kept, 0) == "kept text");
  CHECK(get<Json>(kept, 1).text == R"({"k": 1})");

  DecodedRows moved = std::move(kept);
  CHECK(get<std::string_view>(moved, 0) == "kept text");

  const pg::Result different = conn.exec_params("SELECT 1::int4", {}, 0);
  CHECK_THROWS_AS(decoder.consume_and_keep(different.get(), moved), std::invalid_argument);
}

TEST_CASE("the standard table decodes to the same values in text and binary", "[db][decode]") {
  test::ScratchDatabase db("decode_standard");
  const auto conn = db.admin();
  conn.exec("SELECT benchlab.seed_records('public.t', 1000)");
  DecodedRows text, binary;
  RowDecoder text_decoder, binary_decoder;
  text_decoder.consume_and_keep(text.adopt(conn.exec_params("SELECT * FROM public.t ORDER BY id", {}, 0)), text);
  binary_decoder.consume_and_keep(binary.adopt(conn.exec_params("SELECT * FROM public.t ORDER BY id", {}, 1)), binary);
  REQUIRE(text.rows() == 1000);
  REQUIRE(binary.rows() == 1000);
  REQUIRE(text.columns() == 8);
  CHECK(text_decoder.totals().unknown_values == 0);
  CHECK(binary_decoder.totals().unknown_values == 0);
  std::size_t differing = 0;
  for (std::size_t r = 0; r < text.rows(); ++r)
    for (std::size_t c = 0; c < text.columns(); ++c)
      if (!(text.value(r, c) == binary.value(r, c))) ++differing;
  CHECK(differing == 0);
  CHECK(get<std::int64_t>(text, 0, 999) == 1000);
  CHECK(get<Json>(text, 4, 0).members == 3);  // user_id, action, meta
  // The same values fold alike whatever the format (consume folds decoded values).
  RowDecoder a, b;
  const pg::Result rt = conn.exec_params("SELECT * FROM public.t ORDER BY id", {}, 0);
  const pg::Result rb = conn.exec_params("SELECT * FROM public.t ORDER BY id", {}, 1);
  a.consume(rt.get());
  b.consume(rb.get());
  CHECK(a.value_fold() == b.value_fold());
  CHECK_FALSE(a.totals().checksum == b.totals().checksum);  // wire bytes differ
}

TEST_CASE("a value that does not decode throws and leaves kept rows whole", "[decode]") {
  // A result built by hand (no server): text then int8, the second row's int8
  // malformed — its text value was already appended when the int8 fails.
  PGresult* raw = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
  char n0[] = "t", n1[] = "i";
  PGresAttDesc attrs[2] = {{n0, 0, 0, 0, oid::kText, -1, -1}, {n1, 0, 0, 0, oid::kInt8, 8, -1}};
  REQUIRE(PQsetResultAttrs(raw, 2, attrs) == 1);
  char one[] = "1", a[] = "a", bad[] = "x2", b[] = "b";
  REQUIRE(PQsetvalue(raw, 0, 0, a, 1) == 1);
  REQUIRE(PQsetvalue(raw, 0, 1, one, 1) == 1);
  REQUIRE(PQsetvalue(raw, 1, 0, b, 1) == 1);
  REQUIRE(PQsetvalue(raw, 1, 1, bad, 2) == 1);
  DecodedRows kept;
  RowDecoder decoder;
  const PGresult* r = kept.adopt(pg::Result(raw));
  CHECK_THROWS_AS(decoder.consume_and_keep(r, kept), DecodeError);
  CHECK(kept.rows() == 1);
  CHECK(kept.column(0).nulls.size() == 1);
  CHECK(kept.column(0).as<std::string_view>().size() == 1);
  CHECK(kept.column(1).as<std::int64_t>().size() == 1);
  CHECK(get<std::string_view>(kept, 0) == "a");
  CHECK(decoder.totals().rows == 1);
  CHECK(decoder.totals().bytes == 2);
  RowDecoder plain;
  CHECK_THROWS_AS(plain.consume(r), DecodeError);
}

// ---- JSON numbers of any size ------------------------------------------------

TEST_CASE("the exact JSON scanner: numbers of any size, any depth, and the grammar's edges", "[decode][json]") {
  const auto shape = [](std::string_view text) { return scan_json(text); };
  for (const std::string_view number : {"123456789012345678901234567890", "1e400", "-1e-400",
                                        "0.10000000000000000000000001", "-0", "0", "1E+2", "-12.5e-3"}) {
    INFO(number);
    const auto s = shape(number);
    REQUIRE(s);
    CHECK(s->root == Json::Root::number);
  }
  const auto object =
      shape(R"( {"a": [1e400, {"b": [[123456789012345678901234567890]]}], "c": "x\"\u00e9", "d": null} )");
  REQUIRE(object);
  CHECK(object->root == Json::Root::object);
  CHECK(object->members == 3);
  const auto array = shape("[[], {}, -1e-400, true, false, \"\"]");
  REQUIRE(array);
  CHECK(array->root == Json::Root::array);
  CHECK(array->members == 6);
  CHECK(shape("{}")->members == 0);
  CHECK(shape("[]")->members == 0);
  CHECK(shape("\"s\"")->root == Json::Root::string);
  CHECK(shape("null")->root == Json::Root::null);
  CHECK(shape("false")->root == Json::Root::boolean);
  // Deeper than simdjson's default limit of 1024.
  const std::string deep = std::string(5000, '[') + "1e400" + std::string(5000, ']');
  CHECK(shape(deep)->members == 1);
  // Bytes of another server encoding pass through strings untouched.
  CHECK(shape("\"caf\xe9\"")->root == Json::Root::string);
  for (const std::string_view bad :
       {"",          " ",     "01",        "1.",       ".5",    "-",        "1e",    "1e+",        "+1",
        "[1,]",      "[1 2]", "{\"a\" 1}", "{\"a\":}", "{1:2}", "[",        "]",     "{\"a\":1,}", "\"\\x\"",
        "\"\\u12\"", "tru",   "nul",       "[1]]",     "1 2",   "\"a\nb\"", "\"open"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(shape(bad));
  }
}

TEST_CASE("json and jsonb holding numbers past 64 bits and past a double decode exactly, in text and binary",
          "[db][decode][json]") {
  test::ScratchDatabase db("json_big_numbers");
  const pg::Connection conn = db.admin();
  const std::string doc =
      R"({"big": 123456789012345678901234567890, "huge": 1e400, "tiny": -1e-400, )"
      R"("precise": 0.10000000000000000000000001, "deep": [[{"n": [-98765432109876543210987654321e-5]}]]})";
  for (const int format : kFormats) {
    INFO("format " << format);
    DecodeTotals totals;
    const DecodedRows rows = keep_one(conn,
                                      "SELECT '" + doc + "'::jsonb, '" + doc + "'::json, '1e400'::jsonb, '[" +
                                          "123456789012345678901234567890]'::json",
                                      format, &totals);
    CHECK(totals.unknown_values == 0);
    const Json jb = get<Json>(rows, 0);
    CHECK(jb.root == Json::Root::object);
    CHECK(jb.members == 5);
    // The digits are the server's: jsonb prints its numerics in full.
    CHECK(jb.text == conn.query_value("SELECT '" + doc + "'::jsonb::text"));
    CHECK(test::contains(std::string(jb.text), "123456789012345678901234567890"));
    CHECK(test::contains(std::string(jb.text), "0.10000000000000000000000001"));
    const Json j = get<Json>(rows, 1);
    CHECK(j.text == doc);  // json keeps its input text
    CHECK(j.members == 5);
    CHECK(get<Json>(rows, 2).root == Json::Root::number);
    CHECK(get<Json>(rows, 3).members == 1);
  }
}
