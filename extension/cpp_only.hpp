// The PostgreSQL-free guard. A pure C++ file or header of the extension (no ereport,
// palloc or longjmp can happen in it, so the ordinary C++ rules, exceptions and RAII,
// hold there without guards) includes this header as its LAST include:
//
//   #include <vector>
//
//   #include "cpp_only.hpp"  // must be the last include
//
// It fails the build when the include guard of one of PostgreSQL's base headers is
// already defined, i.e. when anything included before it, directly or through other
// headers, pulled PostgreSQL in. Included first it would prove nothing.
//
// Deliberately no #pragma once and no include guard: every inclusion checks again, so
// a pure header that ends with this include is checked wherever it is included, and a
// .cpp that includes such a header and then this one is checked once more at its end.
// A consequence for the thin files: a pure C++ header goes before pg_glue.hpp (or
// support.hpp, wire.hpp); after them it would trip this guard.
//
// scripts/check-cpp-only-guard (make check-guard, part of make test) proves the guard
// fires (regress/compile/leak.cpp) and that every pure C++ file ends with it.

// postgres.h, postgres_fe.h, c.h, fmgr.h and postgres_ext.h have include guards;
// pg_config.h has none, PG_VERSION_NUM witnesses it.
#if defined(POSTGRES_H) || defined(POSTGRES_FE_H) || defined(C_H) || defined(FMGR_H) || defined(POSTGRES_EXT_H) || \
    defined(PG_VERSION_NUM)
// Keep the PostgreSQL call in a thin file instead.
#error "cpp_only.hpp: a PostgreSQL header was included before it; this file must stay pure C++"
#endif
