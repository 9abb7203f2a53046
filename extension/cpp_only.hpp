// Included first by pure C++ .cpp files (range_math.cpp): they must not see
// PostgreSQL's headers. No ereport, palloc or longjmp can happen in them, so the
// ordinary C++ rules (exceptions, RAII) hold there without guards.
#pragma once
#ifdef POSTGRES_H
#error "a PostgreSQL header leaked into a pure C++ file; move the PostgreSQL call into a thin file"
#endif
