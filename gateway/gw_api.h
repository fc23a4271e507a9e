/*
 * The JSON description of the HTTP API served at /api (and at / to clients
 * that accept application/json): every endpoint with its parameters and an
 * example. docs/openapi.yaml describes the same API in OpenAPI 3.
 *
 * Thread-safety: a pure function of its arguments.
 */
#ifndef GW_API_H
#define GW_API_H

#include "core_buf.h"

/* Appends the description. Returns 0 or CORE_ENOMEM. */
int gw_api_describe(core_buf *out);

#endif
