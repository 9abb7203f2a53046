// The bridge between C++ and the PostgreSQL backend: postgres.h and the base set of
// PostgreSQL headers every thin file starts from (inside extern "C"; a thin file adds
// the few more it needs, also inside extern "C", after this one), and the error
// discipline every SQL-callable entry point follows (after pg_duckdb's cpp_wrapper /
// PostgresFunctionGuard):
//
//  * No C++ exception escapes into the server. Every entry point is declared with
//    BENCHLAB_FUNCTION(name): the fmgr symbol calls the C++ body inside try/catch and
//    raises the PostgreSQL error only after every C++ frame has unwound, and after
//    restoring PG_exception_stack and error_context_stack to what they were on entry.
//  * No ereport/elog longjmps over a live C++ destructor. A frame that owns objects
//    with destructors calls PostgreSQL functions that can fail only through
//    benchlab::pg::call(), which sets up its own sigsetjmp (PG_TRY), copies the error
//    out and turns it into a C++ exception (PgError); the entry wrapper re-throws it
//    with ReThrowError, so SQLSTATE, message, detail and hint reach the client intact.
//    The function pg::call runs must not throw C++ exceptions itself.
//    Frames that own no such objects (DestReceiver callbacks, validation helpers)
//    call PostgreSQL directly.
//  * Errors of our own are thrown as UserError(sqlstate, message[, hint]) and become
//    ereport(ERROR, errcode(...), errmsg(...)) in the wrapper.
//
// Pure C++ files (range_math.hpp/.cpp, width_histogram.hpp) include no PostgreSQL
// header: each ends its includes with cpp_only.hpp, which fails the build if one came
// in before it. Thin files include such pure headers before this one.
#pragma once

// The C++ standard library first: PostgreSQL's port.h redefines printf-family names.
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <type_traits>
#include <utility>

// PostgreSQL's headers are C: silence the C++-only complaints they raise.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}
#pragma GCC diagnostic pop

namespace benchlab {

// A PostgreSQL error caught by pg::call, carried through C++ frames as an exception.
// Owns nothing with a destructor: the ErrorData lives in a PostgreSQL memory context.
class PgError final : public std::exception {
 public:
  explicit PgError(ErrorData* data) noexcept : data_(data) {}
  const char* what() const noexcept override { return data_ && data_->message ? data_->message : "postgres error"; }
  ErrorData* data() const noexcept { return data_; }

 private:
  ErrorData* data_;
};

// An error of our own (bad input and the like). Fixed-size buffers: building it
// never allocates, so throwing it cannot fail half-way.
class UserError final : public std::exception {
 public:
  UserError(int sqlstate, const char* message, const char* hint = nullptr) noexcept : sqlstate_(sqlstate) {
    copy(message_, message);
    copy(hint_, hint);
  }
  const char* what() const noexcept override { return message_; }
  int sqlstate() const noexcept { return sqlstate_; }
  const char* hint() const noexcept { return hint_[0] ? hint_ : nullptr; }

 private:
  static void copy(char (&dst)[512], const char* src) noexcept {
    dst[0] = '\0';
    if (src) strlcpy(dst, src, sizeof dst);
  }
  int sqlstate_;
  char message_[512];
  char hint_[512];
};

namespace pg {

// Run f() under PG_TRY. A PostgreSQL error inside f is copied into the caller's memory
// context, the error state is flushed and a PgError is thrown from this frame, so C++
// objects in the callers unwind normally. f's result must be trivially copyable (Datum,
// pointers, integers). f itself must not own objects with destructors across calls that
// can fail.
//
// f must not throw a C++ exception (call PostgreSQL's C functions and plain code in it,
// nothing that allocates with new or calls into the C++ library). A C++ exception
// would leave the PG_TRY block without passing PG_END_TRY: PG_exception_stack would
// still point at this frame's sigjmp_buf after the frame is gone, and
// error_context_stack at whatever f pushed, so the next PostgreSQL error would longjmp
// into a dead frame. sql_entry repairs both before it raises, but any PostgreSQL call
// made while the exception unwinds (a destructor's) would already take the dead path.
template <typename F>
auto call(F&& f) -> decltype(f()) {
  using R = decltype(f());
  if constexpr (std::is_void_v<R>) {
    // One guarded path for both shapes: a void call returns a dummy value.
    call([&] {
      f();
      return true;
    });
  } else {
    static_assert(std::is_trivially_copyable_v<R>, "pg::call returns trivially copyable values only");
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData* volatile caught = nullptr;
    R result{};
    R* volatile out = &result;
    PG_TRY();
    { *out = f(); }
    PG_CATCH();
    {
      MemoryContextSwitchTo(caller_context);
      caught = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (caught) throw PgError(caught);
    return result;
  }
}

}  // namespace pg

// PostgreSQL's error-handling state as a SQL-callable function found it: the innermost
// sigsetjmp target of ereport(ERROR) and the error context callbacks. PG_TRY restores
// both when it is left normally or through PG_CATCH; a C++ exception thrown inside a
// PG_TRY block (or past a pushed ErrorContextCallback) skips that, and leaves them
// pointing into frames that are gone. Trivially destructible: PostgreSQL may longjmp
// over it.
struct ErrorStacks {
  sigjmp_buf* exception_stack = PG_exception_stack;
  ErrorContextCallback* context_stack = error_context_stack;

  // Puts back the state saved on entry. Warns when it had drifted: a guard was bypassed
  // (see pg::call), and raising with the drifted state would longjmp into a dead frame
  // or call back into dead stack.
  void restore() const noexcept {
    if (PG_exception_stack == exception_stack && error_context_stack == context_stack) return;
    PG_exception_stack = exception_stack;
    error_context_stack = context_stack;
    elog(WARNING, "benchlab: a C++ exception left PostgreSQL's error stacks changed; restored them");
  }
};

// The body of every SQL-callable function runs here. Exceptions are turned into
// PostgreSQL errors only after the try block has been left, i.e. after every C++
// frame of the body has been destroyed, and after PG_exception_stack and
// error_context_stack are back to what they were on entry (as pg_duckdb's
// cpp_wrapper.hpp does for PG_exception_stack).
template <Datum (*Body)(FunctionCallInfo)>
Datum sql_entry(FunctionCallInfo fcinfo) noexcept {
  const ErrorStacks entry;
  ErrorData* pg_error = nullptr;
  int sqlstate = ERRCODE_INTERNAL_ERROR;
  char message[512];
  char hint[512];
  message[0] = hint[0] = '\0';
  try {
    const Datum result = Body(fcinfo);
    entry.restore();
    return result;
  } catch (const PgError& e) {
    pg_error = e.data();
  } catch (const UserError& e) {
    sqlstate = e.sqlstate();
    strlcpy(message, e.what(), sizeof message);
    if (e.hint()) strlcpy(hint, e.hint(), sizeof hint);
  } catch (const std::bad_alloc&) {
    sqlstate = ERRCODE_OUT_OF_MEMORY;
    strlcpy(message, "out of memory", sizeof message);
  } catch (const std::exception& e) {
    strlcpy(message, e.what(), sizeof message);
  } catch (...) {
    strlcpy(message, "unknown C++ exception", sizeof message);
  }
  entry.restore();
  if (pg_error) ReThrowError(pg_error);
  ereport(ERROR, (errcode(sqlstate), errmsg("%s", message), hint[0] ? errhint("%s", hint) : 0));
  pg_unreachable();
}

}  // namespace benchlab

// Declares the fmgr entry point `name` (V1 calling convention, C linkage) and starts
// the definition of its C++ body:
//   BENCHLAB_FUNCTION(benchlab_clock_ns) { return Int64GetDatum(...); }
#define BENCHLAB_FUNCTION(name)                                                       \
  static Datum name##_body(FunctionCallInfo fcinfo);                                  \
  extern "C" {                                                                        \
  PG_FUNCTION_INFO_V1(name);                                                          \
  Datum name(PG_FUNCTION_ARGS) { return ::benchlab::sql_entry<name##_body>(fcinfo); } \
  }                                                                                   \
  static Datum name##_body(FunctionCallInfo fcinfo)
