#include "core_geo.h"
