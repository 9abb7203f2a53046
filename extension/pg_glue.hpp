// The one place the extension includes PostgreSQL headers: inside extern "C",
// and with the few macros that clash with the C++ standard library undone.
#pragma once

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "utils/builtins.h"
}
