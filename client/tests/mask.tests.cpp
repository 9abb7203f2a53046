// --mask: the masks' exact definitions, every bad input in one line before any
// work, and the leak test — a table with a known plaintext in its masked columns,
// read by every strategy in both formats with the server's rows and checksum, and
// no byte of the plaintext in any file, any output, or the multiprocessing
// strategy's shared-memory segment while a read is stalled mid-way (a control run
// without --mask shows the same memory scan finding the plaintext). Verify with
// --mask finds the changed rows and fetches no column's value.
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "decode/decoded_rows.hpp"
#include "decode/mask.hpp"
#include "decode/row_decoder.hpp"
#include "model/mask.hpp"
#include "model/table.hpp"
#include "support.hpp"
#include "verify/verify.hpp"

using namespace benchlab;
namespace fs = std::filesystem;

namespace {

constexpr const char* kKey = "test-mask-key-7f3a9c";
constexpr const char* kPlain = "PLAINTEXT-SECRET-";
constexpr const char* kPlainHex = "504c41494e544558542d5345435245542d";  // the same bytes as bytea's hex text
constexpr int kRows = 4000;

TableInfo two_columns() {
  TableInfo t;
  t.display_name = "public.people";
  t.relation_sql = "\"public\".\"people\"";
  t.key_name = "id";
  t.key_sql = "\"id\"";
  t.select_list = "\"id\", \"email\"";
  t.columns = {{"id", "bigint", 20}, {"email", "text", 25}};
  return t;
}

// The masked table: a text, a jsonb and a bytea column holding kPlain<n>.
void create_masked_table(const pg::Connection& admin, const std::string& name) {
  admin.exec(fmt::format(
      "CREATE TABLE {0} (id bigint PRIMARY KEY, secret text, doc jsonb, blob bytea, amount int);"
      "INSERT INTO {0} SELECT n, '{1}' || n, jsonb_build_object('s', '{1}' || n), convert_to('{1}' || n, 'UTF8'), n "
      "FROM generate_series(1, {2}) n",
      name, kPlain, kRows));
}

bool leaks(const std::string& text) {
  return text.find(kPlain) != std::string::npos || text.find(kPlainHex) != std::string::npos ||
         text.find(kKey) != std::string::npos;
}

// Every file under `dir` that holds the plaintext or the key.
std::vector<std::string> leaking_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && leaks(test::slurp(e.path()))) out.push_back(e.path().string());
  return out;
}

// The process and its descendants (by /proc/*/stat's parent pid).
std::vector<pid_t> process_tree(pid_t root) {
  std::vector<pid_t> tree{root};
  for (std::size_t i = 0; i < tree.size(); ++i)
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string name = e.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const std::string stat = test::slurp(e.path() / "stat");
      const auto close = stat.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(stat.substr(close + 2));
      std::string state;
      pid_t parent = 0;
      rest >> state >> parent;
      if (parent == tree[i]) tree.push_back(static_cast<pid_t>(std::stol(name)));
    }
  return tree;
}

// Where the plaintext was found in the memory of `root`'s process tree: counts of
// hits in the shared-memory segment's mappings and in every other readable mapping.
struct MemoryScan {
  int segment_mappings = 0;  // benchlab segments seen (so the scan looked at one)
  int segment_hits = 0;
  int other_hits = 0;
};

MemoryScan scan_memory(pid_t root) {
  MemoryScan scan;
  for (const pid_t pid : process_tree(root)) {
    std::ifstream maps(fmt::format("/proc/{}/maps", pid));
    std::ifstream mem(fmt::format("/proc/{}/mem", pid), std::ios::binary);
    std::string line;
    while (std::getline(maps, line)) {
      std::istringstream in(line);
      std::string range, perms, offset, dev, inode, path;
      in >> range >> perms >> offset >> dev >> inode;
      std::getline(in, path);
      if (perms.empty() || perms[0] != 'r' || path.find("[vvar]") != std::string::npos) continue;
      const bool segment = path.find("/dev/shm/benchlab-") != std::string::npos;
      const auto dash = range.find('-');
      const auto lo = std::stoull(range.substr(0, dash), nullptr, 16);
      const auto hi = std::stoull(range.substr(dash + 1), nullptr, 16);
      std::string bytes(hi - lo, '\0');
      mem.clear();
      mem.seekg(static_cast<std::streamoff>(lo));
      mem.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, mem.gcount())));
      const bool hit = bytes.find(kPlain) != std::string::npos;
      if (segment) {
        ++scan.segment_mappings;
        scan.segment_hits += hit ? 1 : 0;
      } else {
        scan.other_hits += hit ? 1 : 0;
      }
    }
  }
  return scan;
}

// Waits (with a deadline) until `file` holds a checkpoint with at least `parts` parts done.
bool wait_for_parts(const fs::path& file, std::size_t parts) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto j = nlohmann::json::parse(test::slurp(file), nullptr, false);
    if (!j.is_discarded() && j.contains("parts_done") && j["parts_done"].get<std::size_t>() >= parts) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void require_usage_line(const test::Outcome& o, const std::string& line) {
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 2);
  CHECK(test::line_count(o.err) == 1);
  CHECK(o.err.starts_with("benchclient: error: " + line));
  CHECK_FALSE(leaks(o.err));
}

}  // namespace

TEST_CASE("mask: hash and token are the documented HMACs, stable and distinct", "[mask]") {
  decode::Masker masker(kKey);
  const std::string value = std::string(kPlain) + "1";
  // docs/masking.md's definitions, computed independently (Python's hmac) for this key and value.
  CHECK(std::string(masker.mask(MaskMethod::hash, value.data(), value.size())) ==
        "6f0edf0804a7df53387cd8e3a27c4ccf9dea1b71c4629c019a1079e74f3e4d45");
  const std::string token(masker.mask(MaskMethod::token, value.data(), value.size()));
  CHECK(token == "tok_fhj4dlku7vrsg6rq");
  CHECK(std::string(masker.mask(MaskMethod::token, value.data(), value.size())) == token);
  decode::Masker other("another-key");
  CHECK(std::string(other.mask(MaskMethod::token, value.data(), value.size())) != token);
  const std::string two = std::string(kPlain) + "2";
  CHECK(std::string(masker.mask(MaskMethod::token, two.data(), two.size())) != token);
}

TEST_CASE("mask: the --mask list and the table's columns", "[mask]") {
  const auto rules = parse_mask_rules("email,ssn:token,card:hash");
  REQUIRE(rules.size() == 3);
  CHECK(rules[0] == MaskRule{"email", MaskMethod::hash});
  CHECK(rules[1] == MaskRule{"ssn", MaskMethod::token});
  CHECK(rules[2] == MaskRule{"card", MaskMethod::hash});
  CHECK_THROWS_WITH(parse_mask_rules("email:foo"), Catch::Contains("unknown method 'foo'"));
  CHECK_THROWS_WITH(parse_mask_rules("email,email:token"), Catch::Contains("named twice"));
  CHECK_THROWS_WITH(parse_mask_rules("email,,x"), Catch::Contains("give a column name"));

  const TableInfo t = two_columns();
  const MaskKey key = std::make_shared<const std::string>(kKey);
  const ColumnMasks masks = resolve_masks(parse_mask_rules("email:token"), key, t);
  CHECK_FALSE(masks.masked(0));
  CHECK(masks.masked(1));
  CHECK(*masks.by_column[1] == MaskMethod::token);
  CHECK_THROWS_WITH(resolve_masks(parse_mask_rules("mail"), key, t),
                    "--mask mail: public.people has no column mail; its columns are id, email");
  CHECK_THROWS_WITH(resolve_masks(parse_mask_rules("id"), key, t),
                    Catch::Contains("mask other columns, or give another"));
}

TEST_CASE("mask: verify's row query with --mask selects a server-side row hash, no column's value", "[mask][verify]") {
  const TableInfo t = two_columns();
  CHECK(verify::rows_query(t, false, false) ==
        "SELECT \"id\"::bigint, \"id\", \"email\" FROM \"public\".\"people\" WHERE \"id\" BETWEEN $1::bigint AND "
        "$2::bigint ORDER BY 1");
  // Each column's output text (not a cast, which trims char(n)), NULL kept NULL.
  const auto text_of = [](const std::string& column) {
    return fmt::format("CASE WHEN {0} IS NULL THEN NULL ELSE pg_catalog.textsend(pg_catalog.format('%s', {0})) END",
                       column);
  };
  const std::string image = fmt::format("ARRAY[{}, {}]::bytea[]", text_of("\"id\""), text_of("\"email\""));
  CHECK(verify::rows_query(t, true, false) ==
        fmt::format("SELECT \"id\"::bigint, benchlab.wire_row_hash({}) FROM \"public\".\"people\" WHERE \"id\" "
                    "BETWEEN $1::bigint AND $2::bigint ORDER BY 1",
                    image));
  CHECK(verify::rows_query(t, true, true) ==
        fmt::format("SELECT benchlab.wire_row_hash({}) FROM \"public\".\"people\" WHERE \"id\" IS NULL", image));
  // --digest sha256: the servers' SHA-256 row digests.
  CHECK(verify::rows_query(t, true, true, DigestAlgorithm::sha256) ==
        fmt::format("SELECT benchlab.wire_row_digest({}) FROM \"public\".\"people\" WHERE \"id\" IS NULL", image));
}

TEST_CASE("mask: bad input is one line, exit 2, before any work", "[mask][cli]") {
  test::TempDir dir("mask_cli");
  const std::string results = (dir.path / "r").string();
  const std::vector<std::string> run = {"--strategy", "naive", "--rows", "1000", "--results-dir", results};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = run;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  // No key: neither the environment nor a file (refused before a throwaway cluster starts).
  require_usage_line(test::run_benchclient(with({"--mask", "category"}), dir.path),
                     "--mask needs a key: set BENCHLAB_MASK_KEY or give --mask-key-file FILE (e.g. openssl rand -hex "
                     "32 > FILE)");
  const std::vector<std::string> env = {std::string("BENCHLAB_MASK_KEY=") + kKey};
  require_usage_line(test::run_benchclient(with({"--mask", "category:foo"}), dir.path, env),
                     "--mask category:foo: unknown method 'foo'; give COL, COL:hash or COL:token");
  require_usage_line(test::run_benchclient(with({"--mask", "category,category:token"}), dir.path, env),
                     "--mask: column category is named twice; give each column once");
  const fs::path empty = test::write_file(dir.path, "empty.key", "\n");
  require_usage_line(
      test::run_benchclient(with({"--mask", "category", "--mask-key-file", empty.string()}), dir.path),
      fmt::format("--mask-key-file {0}: the file is empty; put the key in it (e.g. openssl rand -hex 32 > {0})",
                  empty.string()));
  const std::string missing = (dir.path / "missing.key").string();
  require_usage_line(test::run_benchclient(with({"--mask", "category", "--mask-key-file", missing}), dir.path),
                     fmt::format("--mask-key-file {}: cannot read it: No such file or directory", missing));
  require_usage_line(test::run_benchclient(with({"--mask-key-file", missing}), dir.path),
                     "--mask-key-file is the key of --mask: give --mask COL too, or drop it");
  CHECK_FALSE(fs::exists(results));
}

TEST_CASE("mask: an unknown column or the split key is refused before any strategy reads", "[db][mask][cli]") {
  test::ScratchDatabase db("mask_cols");
  create_masked_table(db.admin(), "public.m");
  test::TempDir dir("mask_cols");
  const std::vector<std::string> env = {std::string("BENCHLAB_MASK_KEY=") + kKey};
  const std::vector<std::string> base = {"--dsn",
                                         db.conninfo(),
                                         "--table",
                                         "public.m",
                                         "--strategy",
                                         "naive",
                                         "--rows",
                                         "all",
                                         "--runs",
                                         "1",
                                         "--no-progress",
                                         "--results-dir",
                                         (dir.path / "r").string()};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  require_usage_line(test::run_benchclient(with({"--mask", "secrets"}), dir.path, env),
                     "--mask secrets: public.m has no column secrets; its columns are id, secret, doc, blob, amount");
  require_usage_line(test::run_benchclient(with({"--mask", "id"}), dir.path, env),
                     "--mask id: id is the key the read is split and bisected by, and masking it would make the split "
                     "and the bisection compare masks; mask other columns, or give another integer key with --key");
  CHECK((!fs::exists(dir.path / "r") || fs::is_empty(dir.path / "r")));
}

TEST_CASE("mask: every strategy, text and binary, keeps parity and writes and prints no plaintext",
          "[db][mask][strategies]") {
  test::ScratchDatabase db("mask_all");
  create_masked_table(db.admin(), "public.m");
  test::TempDir dir("mask_all");
  const fs::path key_file = test::write_file(dir.path, "mask.key", std::string(kKey) + "\n");
  for (const char* format : {"text", "binary"}) {
    DYNAMIC_SECTION(format) {
      const fs::path results = dir.path / format;
      const test::Outcome o = test::run_benchclient({"--dsn",
                                                     db.conninfo(),
                                                     "--table",
                                                     "public.m",
                                                     "--all",
                                                     "--rows",
                                                     "all",
                                                     "--format",
                                                     format,
                                                     "--runs",
                                                     "1",
                                                     "--warmup",
                                                     "0",
                                                     "--workers",
                                                     "2",
                                                     "--part-rows",
                                                     "1000",
                                                     "--batch-rows",
                                                     "500",
                                                     "--mask",
                                                     "secret,doc:token,blob",
                                                     "--mask-key-file",
                                                     key_file.string(),
                                                     "--results-dir",
                                                     results.string(),
                                                     "--markdown",
                                                     (results / "run.md").string(),
                                                     "--console",
                                                     "markdown"},
                                                    dir.path);
      INFO(o.err);
      REQUIRE(o.exit_code == 0);
      const auto a = test::only_run_artifact(results);
      std::size_t runs = 0;
      for (const auto& b : a["benchmarks"])
        for (const auto& r : b["runs"]) {
          INFO(b["strategy"]);
          CHECK(r["rows"] == kRows);
          CHECK(r["rows_match"] == true);
          CHECK(r["checksum_match"] == true);
          ++runs;
        }
      CHECK(runs >= 7);
      // decoupled hands rows over before they are decoded: left out of --all, and said so.
      for (const auto& b : a["benchmarks"]) CHECK(b["strategy"] != "decoupled");
      CHECK(test::contains(o.err, "decoupled is left out"));
      CHECK(leaking_files(results).empty());
      CHECK_FALSE(leaks(o.out));
      CHECK_FALSE(leaks(o.err));
      // The key file's path is kept with the command line; the key never.
      CHECK(test::contains(a["context"]["command"].get<std::string>(), key_file.string()));
    }
  }
}

TEST_CASE("mask: the shared-memory segment of a stalled multiprocessing read holds no plaintext", "[db][mask]") {
  test::ScratchDatabase db("mask_shm");
  create_masked_table(db.admin(), "public.m");
  // One stalled read: worker 1 stops after its first batch, the other reads on; the
  // memory of benchclient and its workers is scanned while it waits (--hang-timeout 600s).
  auto stalled_scan = [&](bool masked) {
    test::TempDir dir(masked ? "mask_shm_m" : "mask_shm_c", true);
    const fs::path file = dir.path / "read.checkpoint.json";
    std::vector<std::string> args = {"--dsn",
                                     db.conninfo(),
                                     "--table",
                                     "public.m",
                                     "--rows",
                                     std::to_string(kRows),
                                     "--strategy",
                                     "multiprocessing",
                                     "--runs",
                                     "1",
                                     "--workers",
                                     "2",
                                     "--part-rows",
                                     "500",
                                     "--batch-rows",
                                     "100",
                                     "--console",
                                     "none",
                                     "--no-progress",
                                     "--hang-timeout",
                                     "600s",
                                     "--checkpoint",
                                     file.string(),
                                     "--results-dir",
                                     (dir.path / "r").string()};
    std::vector<std::string> env = {"BENCHLAB_INJECT_FAULT=stop:worker=1:after=1"};
    if (masked) {
      args.insert(args.end(), {"--mask", "secret,doc,blob:token"});
      env.push_back(std::string("BENCHLAB_MASK_KEY=") + kKey);
    }
    test::Benchclient run(args, dir.path, true, env);
    const bool stalled = wait_for_parts(file, 2);
    INFO(run.err_so_far());
    INFO(test::slurp(file));
    REQUIRE(stalled);
    const MemoryScan scan = scan_memory(run.pid());
    kill(-run.pid(), SIGINT);
    const test::Outcome o = run.wait();
    CHECK_FALSE(leaks(o.err));
    CHECK_FALSE(leaks(o.out));
    CHECK(leaking_files(dir.path).empty());
    return scan;
  };
  const MemoryScan control = stalled_scan(false);
  // The scan sees the segment and can find the plaintext where it is (the workers'
  // own memory: libpq's buffers, the decoded rows), so a leak into the segment would show.
  CHECK(control.segment_mappings > 0);
  CHECK(control.other_hits > 0);
  const MemoryScan masked = stalled_scan(true);
  CHECK(masked.segment_mappings > 0);
  CHECK(masked.segment_hits == 0);
  CHECK(test::shm_benchlab_entries().empty());
}

TEST_CASE("mask: verify --mask finds exactly the changed rows and prints no value", "[db][mask][verify]") {
  test::ScratchDatabase db("mask_verify");
  create_masked_table(db.admin(), "public.m");
  create_masked_table(db.admin(), "public.m2");
  // Changed rows: one in the masked column only, one in an unmasked one, one deleted, one added.
  db.admin().exec(fmt::format(
      "UPDATE public.m2 SET secret = '{0}changed' WHERE id = 17; UPDATE public.m2 SET amount = -1 WHERE id = 2500;"
      "DELETE FROM public.m2 WHERE id = 3999; INSERT INTO public.m2 VALUES (5000, '{0}new', '{{}}', NULL, 0)",
      kPlain));
  test::TempDir dir("mask_verify");
  // json with --digest sha256: the servers' row digests are compared instead.
  for (const bool json : {false, true}) {
    std::vector<std::string> args = {"verify",          "--dsn",          db.conninfo(), "--table",
                                     "public.m",        "--target-table", "public.m2",   "--mask",
                                     "secret,doc,blob", "--fetch-rows",   "100"};
    if (json) args.insert(args.end(), {"--json", "--digest", "sha256"});
    const test::Outcome o = test::run_benchclient(args, dir.path);
    INFO(o.err);
    CHECK(o.exit_code == 1);
    CHECK_FALSE(leaks(o.out));
    CHECK_FALSE(leaks(o.err));
    if (json) {
      const auto j = nlohmann::json::parse(o.out);
      std::vector<std::pair<std::int64_t, std::string>> found;
      for (const auto& d : j["differences"]) found.emplace_back(d["key"].get<std::int64_t>(), d["kind"]);
      CHECK(found == std::vector<std::pair<std::int64_t, std::string>>{
                         {17, "changed"}, {2500, "changed"}, {3999, "missing_in_target"}, {5000, "extra_in_target"}});
    }
  }
  // The key column cannot be masked: bisection compares keys.
  const test::Outcome refused = test::run_benchclient(
      {"verify", "--dsn", db.conninfo(), "--table", "public.m", "--target-table", "public.m2", "--mask", "id"},
      dir.path);
  CHECK(refused.exit_code == 2);
  CHECK(test::line_count(refused.err) == 1);
  CHECK(test::contains(refused.err, "masking it would make the split and the bisection compare masks"));
}

TEST_CASE("mask: advise calibrates with the columns masked and writes no plaintext", "[db][mask]") {
  test::ScratchDatabase db("mask_advise");
  create_masked_table(db.admin(), "public.m");
  test::TempDir dir("mask_advise");
  const std::vector<std::string> env = {std::string("BENCHLAB_MASK_KEY=") + kKey};
  const test::Outcome o =
      test::run_benchclient({"advise", "--dsn", db.conninfo(), "--table", "public.m", "--mask", "secret,doc:token,blob",
                             "--time-budget", "60s", "--results-dir", (dir.path / "r").string()},
                            dir.path, env);
  INFO(o.err);
  CHECK(o.exit_code == 0);
  CHECK(leaking_files(dir.path).empty());
  CHECK_FALSE(leaks(o.out));
  CHECK_FALSE(leaks(o.err));
  require_usage_line(test::run_benchclient({"advise", "--dsn", db.conninfo(), "--table", "public.m", "--mask", "id",
                                            "--no-progress", "--results-dir", (dir.path / "r2").string()},
                                           dir.path, env),
                     "--mask id: id is the key the read is split and bisected by, and masking it would make the split "
                     "and the bisection compare masks; mask other columns, or give another integer key with --key");
}

TEST_CASE("mask: the decoder keeps each masked value's mask, never the value, and sums the server's bytes",
          "[db][mask][decode]") {
  test::ScratchDatabase db("mask_decoder");
  const auto conn = db.admin();
  const std::string sql = fmt::format(
      "SELECT n::int8, '{0}' || n, jsonb_build_object('s', '{0}' || n) FROM generate_series(1, 5) n", kPlain);
  ColumnMasks masks;
  masks.by_column = {std::nullopt, MaskMethod::hash, MaskMethod::token};
  masks.key = std::make_shared<const std::string>(kKey);
  for (const int format : {0, 1}) {
    INFO("format " << format);
    // The same rows unmasked: the checksum and the digest a masked read must still reach.
    RowDecoder plain({}, DigestAlgorithm::sha256);
    plain.consume(conn.exec_params(sql, {}, format).get());
    pg::Result result = conn.exec_params(sql, {}, format);
    // The masks expected, computed here from the bytes the server sent.
    decode::Masker masker(kKey);
    std::vector<std::pair<std::string, std::string>> expected;
    for (int r = 0; r < result.rows(); ++r) {
      const std::string_view secret = result.value(r, 1), doc = result.value(r, 2);
      std::string hash(masker.mask(MaskMethod::hash, secret.data(), secret.size()));
      expected.emplace_back(std::move(hash), std::string(masker.mask(MaskMethod::token, doc.data(), doc.size())));
    }
    DecodedRows rows;
    RowDecoder masked({}, DigestAlgorithm::sha256, masks);
    masked.consume_and_keep(rows.adopt(std::move(result)), rows);
    REQUIRE(rows.rows() == 5);
    for (std::size_t r = 0; r < rows.rows(); ++r) {
      INFO("row " << r);
      CHECK(std::get<std::int64_t>(rows.value(r, 0)) == static_cast<std::int64_t>(r + 1));  // unmasked: decoded
      const decode::Value secret = rows.value(r, 1), doc = rows.value(r, 2);
      REQUIRE(std::holds_alternative<std::string_view>(secret));
      REQUIRE(std::holds_alternative<std::string_view>(doc));
      CHECK(std::get<std::string_view>(secret) == expected[r].first);
      CHECK(std::get<std::string_view>(doc) == expected[r].second);
      CHECK(std::get<std::string_view>(secret).find(kPlain) == std::string_view::npos);
    }
    CHECK(masked.totals().rows == plain.totals().rows);
    CHECK(masked.totals().bytes == plain.totals().bytes);
    CHECK(masked.totals().checksum == plain.totals().checksum);
    CHECK(masked.totals().digest == plain.totals().digest);
  }
}

TEST_CASE("mask: decoupled named with --mask is refused before any work", "[db][mask]") {
  test::TempDir dir("mask_decoupled");
  const fs::path key_file = test::write_file(dir.path, "mask.key", std::string(kKey) + "\n");
  const test::Outcome o = test::run_benchclient(
      {"--dsn", "host=/nonexistent dbname=x", "--strategy", "decoupled", "--rows", "1000", "--mask", "payload",
       "--mask-key-file", key_file.string(), "--results-dir", (dir.path / "r").string()},
      dir.path);
  CHECK(o.exit_code == 2);
  CHECK(test::contains(o.err, "--mask with --strategy decoupled"));
  CHECK(test::contains(o.err, "parallel_copy or multiprocessing"));
  CHECK_FALSE(fs::exists(dir.path / "r"));
}
