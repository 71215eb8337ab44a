/* tree_exact.c -- exact decision-tree growth (splits searched over the sorted
 * feature values, tree_exact_split.c; criteria in tree_exact_crit.c).
 *
 * Two growers, as scikit-learn's builders:
 * - depth-first (max_leaf_nodes = 0): nodes in pre-order, left child first;
 * - best-first (max_leaf_nodes > 0): the frontier is a binary max-heap on the
 *   split's weighted impurity decrease (the same sift rules as the C++
 *   standard library's push_heap / pop_heap, so equal decreases pop in the
 *   same order); node ids in creation order (children when their parent pops).
 * A node is a leaf at max_depth, below min_samples_split / 2 min_samples_leaf
 * / 2 min_weight_leaf, when its impurity is <= DBL_EPSILON, when no valid
 * split exists, or when the split's decrease + DBL_EPSILON is below
 * min_impurity_decrease. Children take the impurities computed by the split.
 *
 * Features are drawn as scikit-learn's splitter draws them (its 32-bit
 * xorshift generator seeded from the caller, a feature array permuted in place
 * from node to node in growth order, features found constant remembered for
 * the subtree), so with the same seed the same features are visited in the
 * same order and ties between equally good splits break the same way. Growth
 * is therefore sequential; large nodes evaluate their features on nthreads
 * threads (tree_exact_split.c).
 *
 * A node's rows come sorted by a feature from one of three sources, all giving
 * the same order: presorted lists partitioned at every split
 * (tree_exact_sorted.c; when the drawn features are a large share), a sort of
 * the dense ranks an ensemble shares (tree_exact_rank.c), or a sort of the
 * 32-bit float keys (tree_exact_split.c).
 */
#include <stdlib.h>
#include <string.h>

#include "tree_exact_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define H(s, i) (((int64_t)(s) << 40) | (int64_t)(i))
#define H_STORE(h) ((int)((h) >> 40))
#define H_IDX(h) ((h) & ((INT64_C(1) << 40) - 1))

typedef struct {
    int64_t n, cap, nv, max_depth;
    int32_t *feature;
    uint8_t *mleft;
    int64_t *nsamp, *left, *right;
    double *thr, *imp, *wn, *value;
} xstore;

static int64_t store_add(xstore *s) {
    if (s->n == s->cap) {
        const int64_t cap = s->cap ? 2 * s->cap : 256;
#define GROW(ptr, T, per)                                                          \
    do {                                                                           \
        void *p_ = realloc(s->ptr, (size_t)(cap * (per)) * sizeof(T));             \
        if (!p_) return -1;                                                        \
        s->ptr = (T *)p_;                                                          \
    } while (0)
        GROW(feature, int32_t, 1);
        GROW(mleft, uint8_t, 1);
        GROW(nsamp, int64_t, 1);
        GROW(left, int64_t, 1);
        GROW(right, int64_t, 1);
        GROW(thr, double, 1);
        GROW(imp, double, 1);
        GROW(wn, double, 1);
        GROW(value, double, s->nv);
#undef GROW
        s->cap = cap;
    }
    return s->n++;
}

static void store_free(xstore *s) {
    free(s->feature);
    free(s->mleft);
    free(s->nsamp);
    free(s->left);
    free(s->right);
    free(s->thr);
    free(s->imp);
    free(s->wn);
    free(s->value);
}

int xt_work_alloc(xt_work *wk, const xt_ctx *c, int64_t m) {
    const size_t m1 = (size_t)(m > 0 ? m : 1), no = (size_t)c->no, nv = (size_t)c->nv;
    memset(wk, 0, sizeof *wk);
    wk->key = malloc(m1 * sizeof(uint32_t));
    wk->keyb = malloc(m1 * sizeof(uint32_t));
    wk->k = malloc(m1 * sizeof(int32_t));
    wk->kb = malloc(m1 * sizeof(int32_t));
    wk->val = malloc(m1 * sizeof(float));
    wk->k2 = malloc(m1 * sizeof(int32_t));
    wk->val2 = malloc(m1 * sizeof(float));
    wk->yl = malloc(m1 * no * sizeof(double));
    wk->wl = malloc(m1 * sizeof(double));
    wk->ys = malloc(4 * m1 * sizeof(double));
    if (wk->ys) {
        wk->ws = wk->ys + m1;
        wk->ys2 = wk->ys + 2 * m1;
        wk->ws2 = wk->ys + 3 * m1;
    }
    wk->sl = malloc(nv * sizeof(double));
    wk->sr = malloc(nv * sizeof(double));
    wk->tot = malloc(nv * sizeof(double));
    wk->tmpv = malloc(nv * sizeof(double));
    wk->tmp = malloc(m1 * sizeof(int64_t));
    wk->feats = malloc((size_t)(c->d > 0 ? c->d : 1) * sizeof(int32_t));
    if (c->icnt) {
        wk->cw = malloc(m1 * sizeof(int64_t));
        if (!wk->cw) return FM_ENOMEM;
    }
    int ok = wk->key && wk->keyb && wk->k && wk->kb && wk->val && wk->k2 && wk->val2 && wk->yl && wk->wl && wk->ys && wk->sl &&
             wk->sr && wk->tot && wk->tmpv && wk->tmp && wk->feats;
    if (c->crit == FM_CRIT_MAE) {
        wk->rank = malloc(m1 * no * sizeof(int32_t));
        wk->sy = malloc(m1 * no * sizeof(double));
        wk->fw = malloc((m1 + 1) * sizeof(double));
        wk->fwy = malloc((m1 + 1) * sizeof(double));
        wk->lae = malloc(2 * m1 * sizeof(double));
        ok = ok && wk->rank && wk->sy && wk->fw && wk->fwy && wk->lae;
        if (wk->lae) wk->rae = wk->lae + m1;
    }
    return ok ? FM_OK : FM_ENOMEM;
}

void xt_work_free(xt_work *wk) {
    free(wk->key);
    free(wk->keyb);
    free(wk->k);
    free(wk->kb);
    free(wk->val);
    free(wk->k2);
    free(wk->val2);
    free(wk->yl);
    free(wk->wl);
    free(wk->ys);
    free(wk->sl);
    free(wk->sr);
    free(wk->tot);
    free(wk->tmpv);
    free(wk->tmp);
    free(wk->feats);
    free(wk->cw);
    free(wk->rank);
    free(wk->sy);
    free(wk->fw);
    free(wk->fwy);
    free(wk->lae);
    memset(wk, 0, sizeof *wk);
}

typedef struct {
    const xt_ctx *c;
    xt_work *works;
    xstore *stores;
} grow_env;

/* Add the node of `it` to store s and link it to its parent; find its split
 * (rows partitioned) unless it is a leaf. *h: the node's handle. */
static int add_node(grow_env *e, int s, int nthreads, const xt_item *it, int is_first,
                    xt_split *sp, int64_t *h) {
    const xt_ctx *c = e->c;
    xt_work *wk = &e->works[0];
    xstore *st = &e->stores[s];
    const int64_t idx = store_add(st);
    if (idx < 0) return FM_ENOMEM;
    *h = H(s, idx);
    const int64_t nn = it->end - it->start;
    xt_node_prepare(c, wk, it->start, it->end);
    xt_node_value(c, wk, it->start, it->end, st->value + idx * st->nv);
    const double W = wk->W;
    const double imp = is_first ? xt_node_impurity(c, wk, it->start, it->end) : it->imp;
    int leaf = it->depth >= c->max_depth || nn < c->mss || nn < 2 * c->msl ||
               W < 2 * c->mwl || imp <= XT_EPS;
    sp->pos = it->end;
    sp->improvement = 0;
    sp->il = sp->ir = imp;
    if (!leaf) {
        xt_find_split(c, e->works, nthreads, it, imp, sp);
        leaf = sp->pos >= it->end || sp->improvement + XT_EPS < c->min_impurity_decrease;
    }
    st->feature[idx] = leaf ? -1 : sp->f;
    st->thr[idx] = leaf ? -2.0 : sp->thr;
    st->mleft[idx] = (uint8_t)(leaf ? 0 : sp->mleft);
    st->imp[idx] = imp;
    st->nsamp[idx] = nn;
    st->wn[idx] = W;
    st->left[idx] = st->right[idx] = -1;
    if (it->depth > st->max_depth) st->max_depth = it->depth;
    if (leaf) sp->pos = it->end;
    if (it->parent >= 0) {
        xstore *ps = &e->stores[H_STORE(it->parent)];
        if (it->is_left)
            ps->left[H_IDX(it->parent)] = *h;
        else
            ps->right[H_IDX(it->parent)] = *h;
    }
    return FM_OK;
}


typedef struct {
    xt_item *a;
    int64_t n, cap;
} item_vec;

static int vec_push(item_vec *v, xt_item it) {
    if (v->n == v->cap) {
        const int64_t cap = v->cap ? 2 * v->cap : 64;
        xt_item *p = (xt_item *)realloc(v->a, (size_t)cap * sizeof(xt_item));
        if (!p) return FM_ENOMEM;
        v->a = p;
        v->cap = cap;
    }
    v->a[v->n++] = it;
    return FM_OK;
}

/* Depth-first growth (pre-order, left child first) into store 0. */
static int grow_dfs(grow_env *e, int nthreads, xt_item root) {
    item_vec stack = {0};
    int st = vec_push(&stack, root), is_first = 1;
    while (st == FM_OK && stack.n > 0) {
        const xt_item it = stack.a[--stack.n];
        xt_split sp;
        int64_t h;
        st = add_node(e, 0, nthreads, &it, is_first, &sp, &h);
        is_first = 0;
        if (st != FM_OK || sp.pos >= it.end) continue;
        const xt_item r = {sp.pos, it.end, it.depth + 1, h, sp.nconst, sp.ir, 0};
        const xt_item l = {it.start, sp.pos, it.depth + 1, h, sp.nconst, sp.il, 1};
        st = vec_push(&stack, r);
        if (st == FM_OK) st = vec_push(&stack, l); /* popped first */
    }
    free(stack.a);
    return st;
}

/* ---- best-first ---------------------------------------------------------- */
typedef struct {
    int64_t node, start, end, pos, depth;
    double il, ir, improvement;
    int is_leaf;
} frec;

static inline int rec_less(const frec *a, const frec *b) { return a->improvement < b->improvement; }

static void heap_sift_up(frec *h, int64_t hole, int64_t top, frec v) {
    int64_t parent = (hole - 1) / 2;
    while (hole > top && rec_less(&h[parent], &v)) {
        h[hole] = h[parent];
        hole = parent;
        parent = (hole - 1) / 2;
    }
    h[hole] = v;
}

static void heap_push(frec *h, int64_t len) { heap_sift_up(h, len - 1, 0, h[len - 1]); }

static void heap_pop(frec *h, int64_t len) { /* max to h[len-1] */
    if (len < 2) return;
    const frec v = h[len - 1];
    h[len - 1] = h[0];
    const int64_t n = len - 1;
    int64_t hole = 0, second = 0;
    while (second < (n - 1) / 2) {
        second = 2 * (second + 1);
        if (rec_less(&h[second], &h[second - 1])) second--;
        h[hole] = h[second];
        hole = second;
    }
    if ((n & 1) == 0 && second == (n - 2) / 2) {
        second = 2 * (second + 1);
        h[hole] = h[second - 1];
        hole = second - 1;
    }
    heap_sift_up(h, hole, 0, v);
}

static int best_first_add(grow_env *e, int nthreads, const xt_item *it, int is_first, frec *r) {
    xt_split sp;
    int64_t h;
    const int st = add_node(e, 0, nthreads, it, is_first, &sp, &h);
    if (st != FM_OK) return st;
    *r = (frec){H_IDX(h), it->start, it->end, sp.pos, it->depth,
                sp.il, sp.ir, sp.pos < it->end ? sp.improvement : 0.0, sp.pos >= it->end};
    return FM_OK;
}

static int grow_best_first(grow_env *e, int nthreads, xt_item root, int64_t max_leaf_nodes) {
    int64_t max_split = max_leaf_nodes - 1, len = 0;
    const int64_t m = root.end - root.start;
    const int64_t cap = 2 * (max_leaf_nodes < m ? max_leaf_nodes : m) + 2;
    frec *heap = (frec *)malloc((size_t)cap * sizeof(frec));
    if (!heap) return FM_ENOMEM;
    xstore *s = &e->stores[0];
    int st = best_first_add(e, nthreads, &root, 1, &heap[len]);
    if (st == FM_OK) heap_push(heap, ++len);
    while (st == FM_OK && len > 0) {
        heap_pop(heap, len);
        const frec rec = heap[--len];
        if (rec.is_leaf || max_split <= 0) {
            s->feature[rec.node] = -1;
            s->thr[rec.node] = -2.0;
            s->mleft[rec.node] = 0;
            s->left[rec.node] = s->right[rec.node] = -1;
            continue;
        }
        max_split--;
        const xt_item l = {rec.start, rec.pos, rec.depth + 1, H(0, rec.node),
                           0, rec.il, 1};
        const xt_item r = {rec.pos, rec.end, rec.depth + 1, H(0, rec.node),
                           0, rec.ir, 0};
        frec fl, fr;
        st = best_first_add(e, nthreads, &l, 0, &fl);
        if (st == FM_OK) st = best_first_add(e, nthreads, &r, 0, &fr);
        if (st != FM_OK) break;
        heap[len] = fl;
        heap_push(heap, ++len);
        heap[len] = fr;
        heap_push(heap, ++len);
    }
    free(heap);
    return st;
}

/* ---- entry point --------------------------------------------------------- */

/* Copy the stores into t: pre-order from the root (depth-first), or store 0
 * in creation order (best-first). */
static int assemble(fm_tree *t, xstore *stores, int nstores, int preorder, int64_t nv) {
    int64_t total = 0, md = 0;
    for (int s = 0; s < nstores; s++) {
        total += stores[s].n;
        if (stores[s].n && stores[s].max_depth > md) md = stores[s].max_depth;
    }
    memset(t, 0, sizeof *t);
    t->n_values = nv;
    t->max_depth = md;
    const size_t n1 = (size_t)(total > 0 ? total : 1);
    t->feature = malloc(n1 * sizeof(int32_t));
    t->missing_left = malloc(n1 * sizeof(uint8_t));
    t->left = malloc(n1 * sizeof(int64_t));
    t->right = malloc(n1 * sizeof(int64_t));
    t->n_samples = malloc(n1 * sizeof(int64_t));
    t->impurity = malloc(n1 * sizeof(double));
    t->threshold = malloc(n1 * sizeof(double));
    t->weighted_n = malloc(n1 * sizeof(double));
    t->value = malloc(n1 * (size_t)nv * sizeof(double));
    int64_t *stk = malloc(3 * n1 * sizeof(int64_t));
    if (!t->feature || !t->missing_left || !t->left || !t->right || !t->n_samples || !t->impurity ||
        !t->threshold || !t->weighted_n || !t->value || !stk) {
        free(stk);
        return FM_ENOMEM;
    }
    t->n_nodes = t->capacity = total;
    int64_t sp = 0, cnt = 0;
    if (!preorder) { /* best-first: store 0 in creation order */
        const xstore *s = &stores[0];
        for (int64_t i = 0; i < total; i++) {
            t->feature[i] = s->feature[i];
            t->missing_left[i] = s->mleft[i];
            t->threshold[i] = s->thr[i];
            t->impurity[i] = s->imp[i];
            t->n_samples[i] = s->nsamp[i];
            t->weighted_n[i] = s->wn[i];
            t->left[i] = s->left[i] >= 0 ? H_IDX(s->left[i]) : -1;
            t->right[i] = s->right[i] >= 0 ? H_IDX(s->right[i]) : -1;
        }
        memcpy(t->value, s->value, (size_t)(total * nv) * sizeof(double));
    } else if (total > 0) {
        stk[0] = H(0, 0);
        stk[1] = -1;
        stk[2] = 0;
        sp = 1;
    }
    while (sp > 0) {
        sp--;
        const int64_t h = stk[3 * sp], parent = stk[3 * sp + 1];
        const int is_left = (int)stk[3 * sp + 2];
        const xstore *s = &stores[H_STORE(h)];
        const int64_t i = H_IDX(h), id = cnt++;
        t->feature[id] = s->feature[i];
        t->missing_left[id] = s->mleft[i];
        t->threshold[id] = s->thr[i];
        t->impurity[id] = s->imp[i];
        t->n_samples[id] = s->nsamp[i];
        t->weighted_n[id] = s->wn[i];
        memcpy(t->value + id * nv, s->value + i * nv, (size_t)nv * sizeof(double));
        t->left[id] = t->right[id] = -1;
        if (parent >= 0) {
            if (is_left)
                t->left[parent] = id;
            else
                t->right[parent] = id;
        }
        if (s->feature[i] >= 0) { /* right pushed first: left is next in pre-order */
            stk[3 * sp] = s->right[i];
            stk[3 * sp + 1] = id;
            stk[3 * sp + 2] = 0;
            sp++;
            stk[3 * sp] = s->left[i];
            stk[3 * sp + 1] = id;
            stk[3 * sp + 2] = 1;
            sp++;
        }
    }
    free(stk);
    return FM_OK;
}

/* Presorted mode (tree_exact_sorted.c) or a sort per node? The same tree
 * either way. Presorted partitions every feature's list at each split while
 * the per-node sort touches only the drawn features: with a caller's order
 * (the caller chose), or when the drawn features are a large enough share (a
 * sort costs several partitions), presorted -- if the lists (d x m rows and
 * values) fit XT_PRESORT_MAX entries. */
#define XT_PRESORT_MAX (INT64_C(1) << 25)
/* The presorted lists (ctx without them: the per-node sort). */
static void presort_free(xt_ctx *c) {
    free(c->ord);
    free(c->loc);
    free(c->side);
    free(c->skip);
    free(c->vord);
    free(c->yw);
    c->ord = c->loc = NULL;
    c->side = c->skip = NULL;
    c->vord = NULL;
    c->yw = NULL;
}

static int use_presorted(const xt_ctx *c, int splitter, int given) {
    if (splitter != 0 || c->d * c->m > XT_PRESORT_MAX || c->n >= INT32_MAX) return 0;
    const int64_t mf = c->max_features < c->d ? c->max_features : c->d;
    return given || 4 * mf >= c->d;
}

FM_API int fm_tree_build_exact(fm_tree *t, const float *X, const double *y, const double *w,
                               int64_t n, int64_t d, int64_t n_outputs,
                               const int64_t *n_classes, int criterion, int splitter,
                               int64_t max_depth, int64_t min_samples_split,
                               int64_t min_samples_leaf, double min_weight_leaf,
                               int64_t max_features, int64_t max_leaf_nodes,
                               double min_impurity_decrease, const int32_t *order,
                               const uint32_t *rank, const float *uniq,
                               const int64_t *nuniq, const uint64_t *near, uint64_t seed,
                               int nthreads) {
    const int cls = criterion == FM_CRIT_GINI || criterion == FM_CRIT_ENTROPY;
    int64_t stride = 1;
    if (cls)
        for (int64_t k = 0; k < n_outputs; k++)
            if (n_classes[k] > stride) stride = n_classes[k];
    xt_ctx c = {.X = X, .y = y, .w = w, .ncls = n_classes, .n = n, .d = d, .no = n_outputs,
                .stride = stride, .nv = n_outputs * stride, .crit = criterion, .cls = cls,
                .random = splitter == 1, .msl = min_samples_leaf, .mss = min_samples_split,
                .max_depth = max_depth, .max_features = max_features, .mwl = min_weight_leaf,
                .min_impurity_decrease = min_impurity_decrease};
    memset(t, 0, sizeof *t);
    int nt = nthreads < 1 ? 1 : nthreads;
    if (nt > 64) nt = 64;
    uint32_t rand_state = (uint32_t)seed;
    c.rand_state = &rand_state;
    c.samples = malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    c.features = malloc((size_t)(d > 0 ? d : 1) * sizeof(int32_t));
    c.constant = malloc((size_t)(d > 0 ? d : 1) * sizeof(int32_t));
    xt_work *works = calloc((size_t)nt, sizeof(xt_work));
    xstore *stores = calloc(1, sizeof(xstore));
    int st = c.samples && c.features && c.constant && works && stores ? FM_OK : FM_ENOMEM;
    int64_t m = 0;
    double W_all = 0;
    if (st == FM_OK) {
        for (int64_t i = 0; i < n; i++)
            if (!w || w[i] > 0) {
                c.samples[m++] = i;
                W_all += w ? w[i] : 1.0;
            }
        c.W_all = W_all;
        /* ranked per-node path (the presorted mode, when chosen, does not use it);
         * two-class gini with integer weights below 2^31 in total: integer counts */
        if (rank && uniq && nuniq && near && splitter == 0 && n < INT32_MAX) {
            c.rank = rank;
            c.uniq = uniq;
            c.nuniq = nuniq;
            c.near = near;
            c.nw = n / 64 + 1;
            int icnt = criterion == FM_CRIT_GINI && n_outputs == 1 && n_classes[0] == 2 &&
                       W_all < 2147483648.0;
            for (int64_t i = 0; icnt && w && i < n; i++)
                icnt = w[i] == (double)(int64_t)w[i];
            c.icnt = icnt;
        }
        for (int64_t f = 0; f < d; f++) c.features[f] = c.constant[f] = (int32_t)f;
        for (int j = 0; j < nt && st == FM_OK; j++) st = xt_work_alloc(&works[j], &c, m);
        stores[0].nv = c.nv;
    }
    c.m = m;
    if (st == FM_OK && m > 0 && use_presorted(&c, splitter, order != NULL)) {
        c.ord = malloc((size_t)(d * m) * sizeof(int32_t));
        c.loc = malloc((size_t)n * sizeof(int32_t));
        c.side = malloc((size_t)n);
        c.skip = calloc((size_t)d, 1);
        c.vord = malloc((size_t)(d * m) * sizeof(float));
        const int fast = n_outputs == 1 && (criterion == FM_CRIT_GINI || criterion == FM_CRIT_MSE);
        c.yw = fast ? malloc((size_t)(2 * n) * sizeof(double)) : NULL;
        if (c.ord && c.loc && c.side && c.skip && c.vord && (c.yw || !fast)) {
            st = xt_presort_init(&c, works, order, nt);
        } else { /* not enough memory for the lists: sort per node */
            presort_free(&c);
        }
    }
    grow_env e = {&c, works, stores};
    const xt_item root = {0, m, 0, -1, 0, 0.0, 0};
    if (st == FM_OK && m > 0)
        st = max_leaf_nodes > 0 ? grow_best_first(&e, nt, root, max_leaf_nodes)
                                : grow_dfs(&e, nt, root);
    if (st == FM_OK) st = assemble(t, stores, 1, max_leaf_nodes <= 0, c.nv);
    for (int j = 0; works && j < nt; j++) xt_work_free(&works[j]);
    if (stores) store_free(&stores[0]);
    free(works);
    free(stores);
    free(c.samples);
    free(c.features);
    free(c.constant);
    presort_free(&c);
    if (st != FM_OK) fm_tree_free(t);
    return st;
}
