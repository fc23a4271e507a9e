#include "core_csv.h"
