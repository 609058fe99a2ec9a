/* pb.c — a minimal protobuf wire-format reader. Every read is checked against the end of
 * its (sub)message, so truncated or corrupted input yields an error, never a wild read. */
#include "infer/infer_int.h"

#include <string.h>

int pai_pb_varint(pai_pb *r, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return PA_ETRUNCATED;
        uint8_t b = *r->p++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return PA_EFORMAT; /* more than 10 bytes */
}

int pai_pb_tag(pai_pb *r, uint32_t *field, uint32_t *wt)
{
    uint64_t t;
    int rc = pai_pb_varint(r, &t);
    if (rc)
        return rc;
    *field = (uint32_t)(t >> 3);
    *wt = (uint32_t)(t & 7);
    if (*field == 0 || t >> 32)
        return PA_EFORMAT;
    return 0;
}

int pai_pb_len(pai_pb *r, pai_pb *sub)
{
    uint64_t n;
    int rc = pai_pb_varint(r, &n);
    if (rc)
        return rc;
    if (n > (uint64_t)(r->end - r->p))
        return PA_ETRUNCATED;
    sub->p = r->p;
    sub->end = r->p + n;
    r->p += n;
    return 0;
}

int pai_pb_fixed32(pai_pb *r, uint32_t *v)
{
    if (r->end - r->p < 4)
        return PA_ETRUNCATED;
    memcpy(v, r->p, 4); /* little-endian host assumed, as ONNX raw_data is */
    r->p += 4;
    return 0;
}

int pai_pb_skip(pai_pb *r, uint32_t wt)
{
    uint64_t v;
    pai_pb sub;
    switch (wt) {
    case PAI_WT_VARINT:
        return pai_pb_varint(r, &v);
    case PAI_WT_I64:
        if (r->end - r->p < 8)
            return PA_ETRUNCATED;
        r->p += 8;
        return 0;
    case PAI_WT_LEN:
        return pai_pb_len(r, &sub);
    case PAI_WT_I32:
        if (r->end - r->p < 4)
            return PA_ETRUNCATED;
        r->p += 4;
        return 0;
    default:
        return PA_EFORMAT; /* groups (3, 4) are not used by ONNX */
    }
}

/* A packed repeated field (wire type LEN) as a sub-reader over its payload. */
static int packed(pai_pb *r, uint32_t wt, pai_pb *sub)
{
    return wt == PAI_WT_LEN ? pai_pb_len(r, sub) : PA_EFORMAT;
}

/* Read one varint and append it to the array. */
static int push_varint(pai_pb *r, int64_t **v, size_t *n, size_t *cap)
{
    uint64_t x;
    int rc = pai_pb_varint(r, &x);
    if (rc)
        return rc;
    if (PAI_GROW(*v, *cap, *n + 1))
        return PA_ENOMEM;
    (*v)[(*n)++] = (int64_t)x;
    return 0;
}

int pai_pb_int64s(pai_pb *r, uint32_t wt, int64_t **v, size_t *n, size_t *cap)
{
    if (wt == PAI_WT_VARINT)
        return push_varint(r, v, n, cap);
    pai_pb sub;
    int rc = packed(r, wt, &sub);
    while (!rc && sub.p < sub.end)
        if ((rc = push_varint(&sub, v, n, cap)) == PA_ETRUNCATED)
            rc = PA_EFORMAT; /* a varint cut off by the packed field's own length */
    return rc;
}

int pai_pb_floats(pai_pb *r, uint32_t wt, float **v, size_t *n, size_t *cap)
{
    uint32_t u;
    int rc;
    if (wt == PAI_WT_I32) {
        if ((rc = pai_pb_fixed32(r, &u)))
            return rc;
        if (PAI_GROW(*v, *cap, *n + 1))
            return PA_ENOMEM;
        memcpy(*v + (*n)++, &u, 4);
        return 0;
    }
    pai_pb sub;
    if ((rc = packed(r, wt, &sub)))
        return rc;
    size_t k = (size_t)(sub.end - sub.p);
    if (k % 4)
        return PA_EFORMAT;
    if (!k) /* empty packed field: *v may still be NULL, and NULL + 0 is undefined */
        return 0;
    if (PAI_GROW(*v, *cap, *n + k / 4))
        return PA_ENOMEM;
    memcpy(*v + *n, sub.p, k);
    *n += k / 4;
    return 0;
}
