/* grid.h — a uniform cell grid over points, for fixed-radius neighbour searches
 * in linear time (H-bond candidates, surface neighbours). */
#ifndef PAI_DSSP_GRID_H
#define PAI_DSSP_GRID_H

#include "dssp_impl.h"

typedef struct {
    float x0, y0, z0, inv; /* origin and 1 / cell size */
    int nx, ny, nz;
    uint32_t *start; /* nx*ny*nz + 1 offsets into item */
    uint32_t *item;  /* point indices, cell by cell */
} pai_grid;

/* Cells at least `cell` wide (wider when the box is huge, so memory stays O(n)). */
int pai_grid_build(pai_grid *g, const pai_v3 *p, size_t n, float cell);
void pai_grid_free(pai_grid *g);
void pai_grid_cell(const pai_grid *g, pai_v3 p, int *cx, int *cy, int *cz);

/* Visit every point in the 27 cells around p: `body` sees uint32_t `idx`. */
#define PAI_GRID_FOREACH(g, p, idx, ...)                                                     \
    do {                                                                                     \
        int cx_, cy_, cz_;                                                                   \
        pai_grid_cell((g), (p), &cx_, &cy_, &cz_);                                           \
        for (int z_ = cz_ > 0 ? cz_ - 1 : 0; z_ <= cz_ + 1 && z_ < (g)->nz; z_++)             \
            for (int y_ = cy_ > 0 ? cy_ - 1 : 0; y_ <= cy_ + 1 && y_ < (g)->ny; y_++)         \
                for (int x_ = cx_ > 0 ? cx_ - 1 : 0; x_ <= cx_ + 1 && x_ < (g)->nx; x_++) {   \
                    size_t c_ = ((size_t)z_ * (size_t)(g)->ny + (size_t)y_) * (size_t)(g)->nx \
                                + (size_t)x_;                                                \
                    for (uint32_t k_ = (g)->start[c_]; k_ < (g)->start[c_ + 1]; k_++) {      \
                        uint32_t idx = (g)->item[k_];                                        \
                        __VA_ARGS__                                                          \
                    }                                                                        \
                }                                                                            \
    } while (0)

#endif
