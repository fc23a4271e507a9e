#include "core_norm.h"
