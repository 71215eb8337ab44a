/* kdtree.c -- k-d tree: build (here) and the entry points of the queries
 * (kdtree_tmpl.h), which call one ISA level's search (kdtree_simd.c).
 *
 * ---------------------------------------------------------------------------
 * The algorithm
 * ---------------------------------------------------------------------------
 * Layout. The tree is a flat preorder array of nodes: node i's left child is
 * i + 1, its right child is stored (nodes[i*4 + 2]; 0 marks a leaf). Every
 * node owns a contiguous range [start, end) of tree positions; `idx` maps a
 * tree position to the training row. The points themselves are copied into
 * tree order, and inside each leaf they are stored feature-major
 * (data[start*d + k*cnt + j] is feature k of the leaf's j-th point), so a leaf
 * scan is `d` unit-stride passes over `cnt` values that the compiler
 * vectorises across points at each ISA level (kdtree_simd.c). The arrays are
 * plain NumPy buffers: pickling stores them and unpickling does not rebuild.
 *
 * Build, O(n log n) for any input. A node with more than leaf_size points is
 * split at position cnt/2 along the dimension of widest spread of its tight
 * bounding box (first such dimension on ties). The median is found by
 * quickselect on the rows themselves (Hoare partitioning, sampled pivot; see
 * kd_select), so sorted input costs nothing extra and runs of equal keys are
 * split evenly. When every coordinate of a
 * node is equal (spread 0) the split still happens at cnt/2 by position: the
 * shape of the tree depends only on n and leaf_size. That makes the size of
 * every subtree known in advance (node_count()), so the right child's index
 * is fixed before the left subtree is built, and the top levels build as
 * independent OpenMP tasks with a deterministic result. Leaves hold between
 * ceil(leaf_size/2) and leaf_size points.
 *
 * Bounds. For a split along dimension s a node stores two numbers: the
 * largest coordinate of its left child and the smallest of its right child
 * along s (left_hi <= right_lo, a gap when the data has one). With the root's
 * tight bounding box these give, for each child, the exact extent of its
 * points along s, bounded by the parent's interval in every other dimension.
 * Every node also stores its tight box. While building, a node's box is its
 * parent's narrowed along the split dimension (enough to pick the next split
 * without a pass over the points); leaves take their exact box while copying
 * their points out and inner nodes the union of their children's, bottom-up.
 * For d >= 4 the single-query search also checks a node's box before
 * descending into it or scanning it: the O(1) bound is exact only along split
 * dimensions, and on clustered data in 8-16 dimensions the full box prunes
 * most of what it lets through, for O(d) per visited node (3x faster at d=8).
 * For d <= 3 the O(1) bound is nearly as tight and the extra test cost more
 * than it saved (8%). The grouped search (below) always uses the full box:
 * there its cost is shared by the group.
 *
 * Search (kdtree_simd.c). A query keeps a vector off[k] = distance from q[k]
 * to the current node's interval in dimension k, and the reduced lower bound
 * rd = sum_k off[k]^p (max_k for chebyshev). Going to a child changes only
 * off[s]: off'[s] = q[s] - left_hi if q[s] > left_hi (left child), or
 * right_lo - q[s] if q[s] < right_lo (right child), else unchanged, and
 * rd' = rd - off[s]^p + off'[s]^p: an O(1) update per node (the classic
 * "rd / offset" trick, here with tight child extents instead of the split
 * plane). Children are visited nearest bound first; a node is skipped when
 * rd > the current k-th distance. Distances stay reduced (squared for
 * euclidean, sum |t|^p for minkowski) until the output. The k-nearest search
 * is a loop with an explicit stack (the farther child is pushed with a copy of
 * off, the nearer one entered; no call or restore per node), and the
 * radius search a recursion. For d <= 32 (euclidean, manhattan, chebyshev;
 * k <= 32; >= 2048 queries) queries that share a home leaf are searched as a
 * group of up to 16 (kdtree_group_tmpl.h): one walk of the tree for the
 * group, each node's tight box bounded for all of its queries at once in
 * vector lanes, leaves scanned for the queries they can help. Per query the
 * inner-node work nearly disappears, and the full box prunes more leaves than
 * the O(1) bound (2.1-2.4x faster at d = 8-32, 1.3x at d = 3).
 *
 * Tie rule (the whole package): candidates are ordered by (distance, training
 * index), so among equal distances the lower index comes first. A node is
 * pruned only when its bound is strictly above the k-th distance (after a
 * relative slack of a few ulps times (d + depth) that covers the rounding of
 * the incremental bound), so an equal-distance point with a lower index is
 * never missed. The answer is the same at any thread count and chunking.
 *
 * Top-k. Each query has k slots: a sorted insertion buffer for k <= 32 (the
 * common case: almost every candidate is rejected by one compare with the
 * last slot), a binary max-heap keyed by (distance, index) beyond, heap-sorted
 * at the end. Insertions, not distances, dominate a low-d search (each one
 * shifts slots and mispredicts a branch), so: the slots live in per-thread
 * scratch (in L1, copied to the output row at the end); the first leaf, which
 * would insert nearly every point, fills the empty buffer by rank instead
 * (vector-counted ranks, points scattered to their slots); later leaves test
 * their points against the k-th distance into a bit mask without branches and
 * insert only the set bits.
 *
 * Radius search: count pass, then the caller allocates exact-size outputs from
 * the prefix sums and a fill pass writes them (optionally sorted by
 * (distance, index)). Queries run in parallel (dynamic chunks), GIL released.
 * ---------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "kdtree_impl.h"

/* Number of nodes of the tree over cnt points: 1 for a leaf, else the root
 * plus both halves (floor(cnt/2) and the rest). Evaluated for the pair
 * (cnt, cnt + 1) at once: the halves of two consecutive counts are again at
 * most two consecutive counts, so this is O(log cnt). */
static void node_count_pair(int64_t c, int64_t L, int64_t *s0, int64_t *s1) {
    /* s0 = size(c), s1 = size(c + 1) */
    if (c + 1 <= L) {
        *s0 = 1;
        *s1 = 1;
        return;
    }
    int64_t a = c / 2, x0, x1;
    node_count_pair(a, L, &x0, &x1); /* size(a), size(a + 1) */
    if (c % 2 == 0) {                /* c = 2a: halves a, a; c+1: a, a+1 */
        *s0 = c <= L ? 1 : 1 + 2 * x0;
        *s1 = 1 + x0 + x1;
    } else { /* c = 2a+1: halves a, a+1; c+1 = 2a+2: a+1, a+1 */
        *s0 = c <= L ? 1 : 1 + x0 + x1;
        *s1 = 1 + 2 * x1;
    }
}

FM_API int64_t fm_kdtree_node_count(int64_t n, int64_t leaf_size) {
    if (n <= 0) return 1;
    if (leaf_size < 1) leaf_size = 1;
    int64_t s0, s1;
    node_count_pair(n, leaf_size, &s0, &s1);
    return s0;
}

/* Largest leaf (points) of a tree over n points. */
FM_API int64_t fm_kdtree_max_leaf(int64_t n, int64_t leaf_size) {
    if (leaf_size < 1) leaf_size = 1;
    return n < leaf_size ? (n < 1 ? 1 : n) : leaf_size;
}

#define T float
#define SUF f32
#include "kdtree_build_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "kdtree_build_tmpl.h"
#undef T
#undef SUF

/* ---- queries: this level's search (kdtree_simd.c), picked once -------- */
FM_FAMILY_IMPLS(kdtree)
static const fm_kdtree_impl *K = &fm_kdtree_impl_baseline;

void fm_kdtree_select(int level) { K = FM_FAMILY_PICK(kdtree, level); }

#define T float
#define SUF f32
#include "kdtree_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "kdtree_tmpl.h"
#undef T
#undef SUF
