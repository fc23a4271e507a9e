/*
 * Encoding any protobuf-c message as JSON, driven by its descriptor:
 * field names as in the .proto file, enums by their value names, every
 * field present (proto3 defaults included), repeated fields as arrays,
 * bytes as their length only.
 */
#ifndef RPC_JSON_H
#define RPC_JSON_H

#include <protobuf-c/protobuf-c.h>

#include "core_buf.h"

/* Appends msg as a JSON object. Returns 0 or CORE_ENOMEM. */
int rpc_json_message(core_buf *b, const ProtobufCMessage *msg);

#endif
