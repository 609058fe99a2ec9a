/* grid.c — counting-sort cell grid (see grid.h). */
#include "grid.h"

#include <math.h>

static int clampi(float v, int n)
{
    if (!(v > 0)) /* also NaN */
        return 0;
    return v >= (float)(n - 1) ? n - 1 : (int)v;
}

void pai_grid_cell(const pai_grid *g, pai_v3 p, int *cx, int *cy, int *cz)
{
    *cx = clampi((p.x - g->x0) * g->inv, g->nx);
    *cy = clampi((p.y - g->y0) * g->inv, g->ny);
    *cz = clampi((p.z - g->z0) * g->inv, g->nz);
}

static int dim(float lo, float hi, float cell)
{
    double d = floor((double)(hi - lo) / cell) + 1;
    return d > 1e6 || !(d >= 1) ? 1000000 : (int)d;
}

int pai_grid_build(pai_grid *g, const pai_v3 *p, size_t n, float cell)
{
    *g = (pai_grid){0};
    float lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++) {
        float v[3] = {p[i].x, p[i].y, p[i].z};
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k])) {
                lo[k] = fminf(lo[k], v[k]);
                hi[k] = fmaxf(hi[k], v[k]);
            }
    }
    for (int k = 0; k < 3; k++)
        if (lo[k] > hi[k])
            lo[k] = hi[k] = 0;
    /* Widen the cells until the grid has at most ~2 cells per point: spread-out
     * (or absurd) coordinates must not cost memory. */
    size_t limit = 2 * n + 64;
    for (;;) {
        g->nx = dim(lo[0], hi[0], cell);
        g->ny = dim(lo[1], hi[1], cell);
        g->nz = dim(lo[2], hi[2], cell);
        if ((double)g->nx * g->ny * g->nz <= (double)limit)
            break;
        cell *= 2;
    }
    g->x0 = lo[0], g->y0 = lo[1], g->z0 = lo[2];
    g->inv = 1.0f / cell;
    size_t ncell = (size_t)g->nx * (size_t)g->ny * (size_t)g->nz;
    g->start = pai_calloc(ncell + 1, sizeof *g->start);
    g->item = pai_malloc((n ? n : 1) * sizeof *g->item);
    uint32_t *cellof = pai_malloc((n ? n : 1) * sizeof *cellof);
    if (!g->start || !g->item || !cellof) {
        pai_free(cellof);
        pai_grid_free(g);
        return PA_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        int cx, cy, cz;
        pai_grid_cell(g, p[i], &cx, &cy, &cz);
        cellof[i] = (uint32_t)(((size_t)cz * (size_t)g->ny + (size_t)cy) * (size_t)g->nx + (size_t)cx);
        g->start[cellof[i] + 1]++;
    }
    for (size_t c = 0; c < ncell; c++)
        g->start[c + 1] += g->start[c];
    for (size_t i = 0; i < n; i++) /* stable: ascending index within a cell */
        g->item[g->start[cellof[i]]++] = (uint32_t)i;
    for (size_t c = ncell; c > 0; c--)
        g->start[c] = g->start[c - 1];
    g->start[0] = 0;
    pai_free(cellof);
    return 0;
}

void pai_grid_free(pai_grid *g)
{
    pai_free(g->start);
    pai_free(g->item);
    g->start = g->item = NULL;
}
