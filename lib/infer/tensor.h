/* tensor.h — tensors, attributes and shape helpers of the inference engine (tensor.c):
 * the layer below the loader, the executor and the operators. */
#ifndef PAI_INFER_TENSOR_H
#define PAI_INFER_TENSOR_H

#include "common/pai.h"
#include "panalyzer/infer.h"

/* ---- tensors ---------------------------------------------------------------- */
#define PAI_MAXD PA_TENSOR_MAX_DIMS
typedef struct {
    int dtype, ndim;
    int64_t shape[PAI_MAXD];
    void *data;
    size_t n;   /* elements */
    size_t cap; /* bytes allocated (when own) */
    int own;    /* data allocated for this tensor (freed with it) */
    int qtype;  /* integer tensors: the ONNX element type they hold (2 uint8, 3 int8, ...;
                   0 unknown): the range of a quantised type */
} pai_tensor;

/* Largest tensor (elements): bounds what corrupted shapes can make us allocate. */
#define PAI_MAX_ELEMS ((size_t)1 << 30)

size_t pai_dtype_size(int dtype);
/* Allocate data for dtype/shape (uninitialised). PA_ERANGE for absurd sizes. */
int pai_tensor_alloc(pai_tensor *t, int dtype, int ndim, const int64_t *shape);
void pai_tensor_release(pai_tensor *t);
void pai_tensor_free(pai_tensor *t); /* release and free the struct; NULL-safe */
static inline float *pai_f(const pai_tensor *t) { return (float *)t->data; }
static inline int64_t *pai_i(const pai_tensor *t) { return (int64_t *)t->data; }

/* ---- attributes ---------------------------------------------------------------- */
enum { PAI_AT_FLOAT = 1, PAI_AT_INT = 2, PAI_AT_STRING = 3, PAI_AT_TENSOR = 4,
       PAI_AT_FLOATS = 6, PAI_AT_INTS = 7 };

typedef struct {
    char *name;
    int type;
    float f;
    int64_t i;
    char *s;            /* PAI_AT_STRING (NUL-terminated copy) */
    float *floats;
    int64_t *ints;
    size_t count;       /* elements of floats / ints */
    pai_tensor *t;      /* PAI_AT_TENSOR */
} pai_attr;

struct pai_node;
/* Attribute lookups (default when absent). */
const pai_attr *pai_attr_get(const struct pai_node *n, const char *name);
int64_t pai_attr_int(const struct pai_node *n, const char *name, int64_t def);
float pai_attr_float(const struct pai_node *n, const char *name, float def);
const char *pai_attr_str(const struct pai_node *n, const char *name, const char *def);
/* ints attribute: count and pointer (NULL/0 when absent). */
const int64_t *pai_attr_ints(const struct pai_node *n, const char *name, size_t *count);

/* Shape helpers shared by the operators. */
int pai_norm_axis(int64_t axis, int ndim, int *out); /* 0 or PA_EINVAL */
size_t pai_prod(const int64_t *shape, int from, int to);

#endif
