#include "rpc_json.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "core_err.h"
#include "core_json.h"

static int
json_double(core_buf *b, double v)
{
	/* JSON has no NaN or infinity. */
	if (!isfinite(v)) {
		return core_json_printf(b, "null");
	}
	return core_json_printf(b, "%.17g", v);
}

static int
json_enum(core_buf *b, const ProtobufCFieldDescriptor *f, int v)
{
	const ProtobufCEnumValue *e =
	    protobuf_c_enum_descriptor_get_value(f->descriptor, v);

	if (e == NULL) {
		return core_json_printf(b, "%d", v);
	}
	return core_json_cstr(b, e->name);
}

/* Appends the value of one element of field f stored at p. */
static int
json_value(core_buf *b, const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return core_json_printf(b, "%d", *(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return core_json_printf(b, "%u", *(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return core_json_printf(
		    b, "%lld", (long long)*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return core_json_printf(
		    b, "%llu", (unsigned long long)*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT:
		return json_double(b, *(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return json_double(b, *(const double *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return core_json_printf(
		    b, *(const protobuf_c_boolean *)p ? "true" : "false");
	case PROTOBUF_C_TYPE_ENUM:
		return json_enum(b, f, *(const int *)p);
	case PROTOBUF_C_TYPE_STRING:
		return core_json_cstr(b, *(char *const *)p);
	case PROTOBUF_C_TYPE_BYTES:
		return core_json_printf(
		    b, "%zu", ((const ProtobufCBinaryData *)p)->len);
	case PROTOBUF_C_TYPE_MESSAGE:
		if (*(ProtobufCMessage *const *)p == NULL) {
			return core_json_printf(b, "null");
		}
		return rpc_json_message(b, *(ProtobufCMessage *const *)p);
	}
	return CORE_EINVAL;
}

/* Returns the size of one element of a repeated field in its array. */
static size_t
json_element_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

static int
json_repeated(
    core_buf *b, const ProtobufCFieldDescriptor *f, const ProtobufCMessage *msg)
{
	size_t n = *(const size_t *)((const char *)msg + f->quantifier_offset);
	const char *base = *(char *const *)((const char *)msg + f->offset);
	size_t size = json_element_size(f);
	int rv = core_buf_putc(b, '[');

	for (size_t i = 0; i < n && rv == 0; i++) {
		if (i > 0) {
			rv = core_buf_putc(b, ',');
		}
		rv = rv ? rv : json_value(b, f, base + i * size);
	}
	return rv ? rv : core_buf_putc(b, ']');
}

int
rpc_json_message(core_buf *b, const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	int rv = core_buf_putc(b, '{');

	for (unsigned i = 0; i < d->n_fields && rv == 0; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		rv = i > 0 ? core_buf_putc(b, ',') : 0;
		rv = rv ? rv : core_json_cstr(b, f->name);
		rv = rv ? rv : core_buf_putc(b, ':');
		if (rv != 0) {
			break;
		}
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			rv = json_repeated(b, f, msg);
		} else {
			rv = json_value(b, f, (const char *)msg + f->offset);
		}
	}
	return rv ? rv : core_buf_putc(b, '}');
}
