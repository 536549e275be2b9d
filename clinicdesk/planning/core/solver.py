"""Choosing K weekly slots: exact search for K <= 3, greedy and local search beyond.

The search sees a coverage table: rows (distinct served patterns, each with a weight and a
region) against candidate slots. A rotation serves a row when at least one of its slots does.
Its value is, in this order, the smallest regional share served, the overall share served,
and comfort: the average, over the rotation's calls, of the share each call serves within
comfortable hours (every call of a rotation is held, so each one's comfort counts, even a slot
that adds no one). Values within ``tie`` of each other are equal, and between equal rotations
the search keeps the one it found first.

Exact search (K <= 3). Singles and pairwise intersections per region come from one weighted
Gram matrix per region (a BLAS product), so every pair of slots is valued exactly by
inclusion-exclusion. For three slots, inclusion-exclusion needs the triple intersection; the
Bonferroni-type bound |A u B u C| <= |A| + |B| + |C| - |AB| - |AC| - |BC| + min(|AB|, |AC|, |BC|)
needs pairs only. The best rotation local search finds is the incumbent; then every triple is
either shown unable to beat it - first by a bound on each of its pairs (the pair's exact value
plus the best single slot), then by the triple bound above, region by region - or evaluated
exactly, its triple term summed over the rows both of two of its slots serve. So the result is
proven optimal for the stated order of objectives. Comfort is a sum over the slots, so its
bounds are exact.

Arithmetic. When every weight is a whole number (after scaling by a small factor) and the
total weight of member-dates is below 2**24, the 32-bit float sums are exact integers;
otherwise they run in float64, ties are within 1e-9 and the bounds carry a safety margin of
1e-9 of the community's weight (the exact sums need none).

Local search (any K). Greedy by the same order of objectives, then best-improvement swaps of
one slot for another until none improves. The gains of every slot are kept up to date
incrementally. Its upper bound on the smallest regional share: for any weights lambda over
the regions, min_r share_r <= sum_r lambda_r share_r, a monotone submodular function of the
rotation, so for any set X it is at most its value on X plus the K largest gains over X. The
bound is the smallest of these, lambda chosen by a small linear program, over the greedy sets
and the final one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Matrix = npt.NDArray[np.floating[Any]]

TIE_EXACT = 1e-12
TIE_FLOAT = 1e-9
_CHUNK_ROWS = 32_768
_FLOAT_COPY_LIMIT = 2**25  # elements: keep float copies of the tables below this size
_MAX_LOCAL_SEARCH_ROUNDS = 200
_EXACT_BATCH = 4096
_MIXER = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Coverage:
    """Rows (sorted by region) against candidate slots, ready for the search."""

    served: Bools  # rows x slots
    comfort_single: Floats  # per slot: the weight it serves within comfortable hours
    weight: Floats  # per row
    region: Ints  # per row, ascending
    region_bounds: Ints  # rows of region r are region_bounds[r]:region_bounds[r + 1]
    region_total: Floats  # the whole weight of each region, served or not
    exact: bool  # float32 sums are exact integers
    _floats: dict[str, npt.NDArray[Any]] = field(default_factory=dict, repr=False)

    @property
    def slots(self) -> int:
        return int(self.served.shape[1])

    @property
    def rows(self) -> int:
        return int(self.served.shape[0])

    @property
    def regions(self) -> int:
        return int(self.region_total.shape[0])

    @property
    def total(self) -> float:
        return float(self.region_total.sum())

    @property
    def tie(self) -> float:
        return TIE_EXACT if self.exact else TIE_FLOAT

    @property
    def dtype(self) -> type[np.float32] | type[np.float64]:
        return np.float32 if self.exact else np.float64

    @property
    def served_by_slot(self) -> Bools:
        """slots x rows: the served table slot-major, for the exact search's row supports
        (made on first use)."""
        copy = self._floats.get("by_slot")
        if copy is None:
            copy = self._floats["by_slot"] = np.ascontiguousarray(self.served.T)
        result: Bools = copy
        return result

    def block(self, rows: slice | Ints) -> Matrix:
        """Rows of the served table as floats (from a float copy made on first use when the
        table is small enough)."""
        if self.served.size > _FLOAT_COPY_LIMIT:
            return self.served[rows].astype(self.dtype)
        copy = self._floats.get("served")
        if copy is None:
            copy = self._floats["served"] = self.served.astype(self.dtype)
        return copy[rows]

    def chunks(self, low: int = 0, high: int | None = None) -> list[slice]:
        high = self.rows if high is None else high
        return [slice(s, min(s + _CHUNK_ROWS, high)) for s in range(low, high, _CHUNK_ROWS)]


def _merge_identical_rows(
    served: Bools, weight: Floats, region: Ints
) -> tuple[Bools, Floats, Ints]:
    """Rows with the same region and pattern become one, their weights added; the result is
    sorted by region. Rows are grouped by a 64-bit hash, and rows that share a hash are
    compared in full, so a collision only costs a merge, never a wrong one."""
    packed = np.packbits(served, axis=1)
    pad = (-packed.shape[1]) % 8
    if pad:
        packed = np.concatenate([packed, np.zeros((packed.shape[0], pad), np.uint8)], axis=1)
    words = np.ascontiguousarray(packed).view(np.uint64)
    digest = region.astype(np.uint64) * _MIXER
    with np.errstate(over="ignore"):
        for column in range(words.shape[1]):
            digest = (digest ^ words[:, column]) * _MIXER
            digest ^= digest >> np.uint64(29)
    order = np.lexsort((digest, region))
    digest, sorted_region = digest[order], region[order]
    starts = np.ones(order.size, dtype=np.bool_)
    starts[1:] = (digest[1:] != digest[:-1]) | (sorted_region[1:] != sorted_region[:-1])
    same = np.flatnonzero(~starts)
    if same.size:
        differ = np.any(packed[order[same]] != packed[order[same - 1]], axis=1)
        starts[same[differ]] = True
    group = np.cumsum(starts) - 1
    first = order[starts]
    merged = np.bincount(group, weights=weight[order], minlength=first.size)
    return served[first], merged.astype(np.float64), region[first]


def make_coverage(
    served: Bools,
    comfort_single: Floats,
    weight: Floats,
    region: Ints,
    region_total: Floats,
    *,
    exact: bool,
) -> Coverage:
    """Drops rows no slot serves, merges identical rows of one region, sorts by region.
    ``comfort_single``: each slot's weight served within comfortable hours."""
    keep = served.any(axis=1)
    served, weight, region = served[keep], weight[keep], region[keep]
    if served.shape[0]:
        served, weight, region = _merge_identical_rows(served, weight, region)
    regions = region_total.shape[0]
    bounds = np.searchsorted(region, np.arange(regions + 1), side="left").astype(np.int64)
    return Coverage(
        served=np.ascontiguousarray(served),
        comfort_single=comfort_single,
        weight=weight,
        region=region.astype(np.int64),
        region_bounds=bounds,
        region_total=region_total.astype(np.float64),
        exact=exact,
    )


# --- Values -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    """Covered weight per region, the calls' comfortable weight, and the three objectives."""

    covered: tuple[float, ...]
    comfortable: float  # summed over the calls
    min_share: float
    overall: float
    comfort: float  # the calls' average comfortable share

    @property
    def key(self) -> tuple[float, float, float]:
        return (self.min_share, self.overall, self.comfort)


def value_of(cov: Coverage, covered: Sequence[float], comfortable: float, calls: int) -> Value:
    shares = [c / t for c, t in zip(covered, cov.region_total.tolist(), strict=True)]
    return Value(
        covered=tuple(float(c) for c in covered),
        comfortable=float(comfortable),
        min_share=float(min(shares)),
        overall=float(sum(covered)) / cov.total,
        comfort=float(comfortable) / (cov.total * max(1, calls)),
    )


def better(a: Value, b: Value, tie: float) -> bool:
    """Whether ``a`` is strictly better than ``b`` in the order of the objectives."""
    for x, y in zip(a.key, b.key, strict=True):
        if x > y + tie:
            return True
        if x < y - tie:
            return False
    return False


def could_beat(t: Floats, o: Floats, c: Floats | float, best: Value, tie: float) -> Bools:
    """Where bounds (t, o, c) leave room for a strictly better value than ``best``."""
    t_tied = t >= best.min_share - tie
    o_tied = o >= best.overall - tie
    result: Bools = (t > best.min_share + tie) | (
        t_tied & ((o > best.overall + tie) | (o_tied & (np.asarray(c) > best.comfort + tie)))
    )
    return result


def evaluate(cov: Coverage, slots: Sequence[int]) -> Value:
    """The value of a rotation, summed directly over the rows."""
    if not slots:
        return value_of(cov, [0.0] * cov.regions, 0.0, 0)
    columns = list(slots)
    served = cov.served[:, columns].any(axis=1)
    covered = np.bincount(cov.region, weights=cov.weight * served, minlength=cov.regions)
    return value_of(cov, covered.tolist(), float(cov.comfort_single[columns].sum()), len(columns))


def _lex_best(t: Floats, o: Floats, c: Floats, tie: float) -> int:
    """The index of the best (t, o, c), ties going to the lowest index."""
    candidates = np.flatnonzero(t >= t.max() - tie)
    candidates = candidates[o[candidates] >= o[candidates].max() - tie]
    candidates = candidates[c[candidates] >= c[candidates].max() - tie]
    return int(candidates[0])


# --- Weighted sums on BLAS ----------------------------------------------------------------------


def _region_sums(cov: Coverage, rows: slice | Ints) -> tuple[Floats, Floats]:
    """For rows (ascending, so grouped by region): each slot's weight over them per region
    (slots x regions), and the rows' weight per region. One matrix-vector product per region:
    far faster on BLAS than one product with a handful of columns."""
    weight = cov.weight[rows]
    region = cov.region[rows]
    block = cov.block(rows)
    bounds = np.searchsorted(region, np.arange(cov.regions + 1))
    out = np.zeros((cov.slots, cov.regions), dtype=np.float64)
    w: Matrix = weight.astype(cov.dtype)
    for r in range(cov.regions):
        low, high = int(bounds[r]), int(bounds[r + 1])
        if high > low:
            out[:, r] = w[low:high] @ block[low:high]
    totals = np.bincount(region, weights=weight, minlength=cov.regions).astype(np.float64)
    return out, totals


def singles(cov: Coverage) -> Floats:
    """slots x regions: the weight each slot serves in each region."""
    out = np.zeros((cov.slots, cov.regions), dtype=np.float64)
    for rows in cov.chunks():
        out += _region_sums(cov, rows)[0]
    return out


def grams(cov: Coverage) -> Floats:
    """Per region, the weight each pair of slots both serve (regions x slots x slots); the
    diagonal holds the singles."""
    region_grams = np.zeros((cov.regions, cov.slots, cov.slots), dtype=np.float64)
    weight: Matrix = cov.weight.astype(cov.dtype)
    for r in range(cov.regions):
        for rows in cov.chunks(int(cov.region_bounds[r]), int(cov.region_bounds[r + 1])):
            block = cov.block(rows)
            region_grams[r] += block.T @ (block * weight[rows, None])
    return region_grams


# --- Local search -------------------------------------------------------------------------------


@dataclass
class _State:
    """A rotation with its coverage counts and every slot's gains, kept up to date. Comfort
    only separates rotations equal on the first two objectives, so it is summed on demand."""

    cov: Coverage
    chosen: list[int]
    count: npt.NDArray[np.int32]
    covered: Floats  # per region
    gain: Floats  # slots x regions, over rows no chosen slot serves

    @classmethod
    def empty(cls, cov: Coverage, served_singles: Floats) -> _State:
        return cls(
            cov=cov,
            chosen=[],
            count=np.zeros(cov.rows, dtype=np.int32),
            covered=np.zeros(cov.regions, dtype=np.float64),
            gain=served_singles.copy(),
        )

    def _change(self, rows: Ints, sign: float) -> None:
        if rows.size:
            sums, totals = _region_sums(self.cov, rows)
            self.gain += sign * sums
            self.covered -= sign * totals

    def add(self, slot: int) -> None:
        column = self.cov.served[:, slot]
        self._change(np.flatnonzero(column & (self.count == 0)), -1.0)
        self.count += column
        self.chosen.append(slot)

    def remove(self, slot: int) -> None:
        column = self.cov.served[:, slot]
        self.count -= column
        self._change(np.flatnonzero(column & (self.count == 0)), 1.0)
        self.chosen.remove(slot)

    def best_addition(self, covered: Floats, keep: Sequence[int]) -> tuple[int, Value] | None:
        """The best slot to add to ``keep`` (the chosen slots, maybe less one), given each
        slot's resulting coverage per region (slots x regions); None when every slot is
        already chosen."""
        cov = self.cov
        calls = len(keep) + 1
        t = (covered / cov.region_total[None, :]).min(axis=1)
        o = covered.sum(axis=1) / cov.total
        comfortable = float(cov.comfort_single[list(keep)].sum()) + cov.comfort_single
        t[self.chosen] = -np.inf
        slot = _lex_best(t, o, comfortable / (cov.total * calls), cov.tie)
        if not np.isfinite(t[slot]):
            return None
        return slot, value_of(cov, covered[slot].tolist(), float(comfortable[slot]), calls)

    def swap_coverage(self, out: int) -> Floats:
        """Coverage per region (slots x regions) of giving up ``out`` and adding each slot."""
        cov = self.cov
        only = np.flatnonzero(cov.served[:, out] & (self.count == 1))
        if only.size == 0:
            extra: Floats = np.zeros_like(self.gain)
            lost: Floats = np.zeros(cov.regions)
        else:
            extra, lost = _region_sums(cov, only)
        result: Floats = self.covered[None, :] - lost[None, :] + self.gain + extra
        return result


def _lagrangian_bound(cov: Coverage, covered: Floats, gain: Floats, k: int) -> float:
    """min over region weights lambda of  sum_r lambda_r covered_r / total_r  plus the K
    largest  sum_r lambda_r gain_r(e) / total_r: an upper bound on the smallest regional
    share any K slots reach (see the module's docstring)."""
    a = covered / cov.region_total
    d = gain / cov.region_total[None, :]  # slots x regions
    regions, slots = cov.regions, cov.slots
    # Variables: lambda (regions), theta, u (slots). K largest of v = min_theta K theta +
    # sum_e max(0, v_e - theta).
    objective = np.concatenate([a, [float(k)], np.ones(slots)])
    upper = np.hstack([d, -np.ones((slots, 1)), -np.eye(slots)])  # d.lambda - theta - u <= 0
    equal = np.concatenate([np.ones(regions), [0.0], np.zeros(slots)])[None, :]
    bounds = [(0.0, None)] * regions + [(None, None)] + [(0.0, None)] * slots
    result = linprog(
        objective,
        A_ub=upper,
        b_ub=np.zeros(slots),
        A_eq=equal,
        b_eq=[1.0],
        bounds=bounds,
        method="highs",
    )
    per_region = float((a + np.sort(d, axis=0)[::-1][:k].sum(axis=0)).min())
    if result.status != 0:
        return per_region
    # The solver's optimum within its tolerance: never report less than it could be.
    return min(per_region, float(result.fun) + 1e-7)


@dataclass
class LocalSearchResult:
    slots: tuple[int, ...]
    value: Value
    upper_t: float
    upper_o: float
    moves: int


def local_search(cov: Coverage, k: int, served_singles: Floats) -> LocalSearchResult:
    """Greedy, then best-improvement swaps; with the upper bound of the module's docstring."""
    state = _State.empty(cov, served_singles)
    tie = cov.tie
    bound_sets: list[tuple[Floats, Floats]] = [(state.covered.copy(), state.gain.copy())]
    current = evaluate(cov, [])
    while len(state.chosen) < k:
        added = state.best_addition(state.covered[None, :] + state.gain, state.chosen)
        if added is None:  # pragma: no cover - the planner checks k <= slots first
            raise ValueError("fewer slots than the rotation needs")
        slot, current = added
        state.add(slot)
        bound_sets.append((state.covered.copy(), state.gain.copy()))
    moves = 0
    for _ in range(_MAX_LOCAL_SEARCH_ROUNDS):
        best: tuple[Value, int, int] | None = None
        for out in list(state.chosen):
            keep = [s for s in state.chosen if s != out]
            added = state.best_addition(state.swap_coverage(out), keep)
            if added is None:
                continue
            slot, swapped = added
            if better(swapped, current, tie) and (best is None or better(swapped, best[0], tie)):
                best = (swapped, out, slot)
        if best is None:
            break
        current, out, slot = best
        state.remove(out)
        state.add(slot)
        moves += 1
    bound_sets.append((state.covered.copy(), state.gain.copy()))
    upper_t = min(_lagrangian_bound(cov, covered, gain, k) for covered, gain in bound_sets)
    upper_o = min(
        float(covered.sum() + np.sort(gain.sum(axis=1))[::-1][:k].sum()) / cov.total
        for covered, gain in bound_sets
    )
    chosen = tuple(sorted(state.chosen))
    return LocalSearchResult(chosen, evaluate(cov, chosen), upper_t, upper_o, moves)


# --- Exact search -------------------------------------------------------------------------------


@dataclass
class ExactResult:
    slots: tuple[int, ...]
    value: Value
    subsets: int
    pruned_by_pairs: int = 0
    pruned_by_bound: int = 0
    evaluated: int = 0
    moves: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def _values(cov: Coverage, covered: Floats) -> tuple[Floats, Floats]:
    """(t, o) of rows of per-region covered weights (... x regions)."""
    t = (covered / cov.region_total).min(axis=-1)
    o = covered.sum(axis=-1) / cov.total
    return t, o


def _improve(
    cov: Coverage, subsets: Ints, covered: Floats, best: tuple[tuple[int, ...], Value]
) -> tuple[tuple[int, ...], Value]:
    """The better of ``best`` and the best of ``subsets`` (with exact per-region ``covered``);
    a tie keeps ``best``."""
    calls = subsets.shape[1]
    t, o = _values(cov, covered)
    comfortable = cov.comfort_single[subsets].sum(axis=1)
    c = comfortable / (cov.total * calls)
    tie = cov.tie
    open_ = np.flatnonzero(could_beat(t, o, c, best[1], tie))
    if open_.size == 0:
        return best
    index = int(open_[_lex_best(t[open_], o[open_], c[open_], tie)])
    value = value_of(cov, covered[index].tolist(), float(comfortable[index]), calls)
    if better(value, best[1], tie):
        return tuple(int(s) for s in subsets[index]), value
    return best


def exact_one(cov: Coverage, served_singles: Floats) -> ExactResult:
    t, o = _values(cov, served_singles)
    best = _lex_best(t, o, cov.comfort_single / cov.total, cov.tie)
    value = value_of(cov, served_singles[best].tolist(), float(cov.comfort_single[best]), 1)
    return ExactResult((best,), value, subsets=cov.slots, evaluated=cov.slots)


def _pairs(slots: int) -> tuple[Ints, Ints]:
    a, b = np.triu_indices(slots, k=1)
    return a.astype(np.int64), b.astype(np.int64)


def exact_two(cov: Coverage, region_grams: Floats) -> ExactResult:
    a, b = _pairs(cov.slots)
    served_singles = np.diagonal(region_grams, axis1=1, axis2=2).T
    covered = served_singles[a] + served_singles[b] - region_grams[:, a, b].T
    comfortable = cov.comfort_single[a] + cov.comfort_single[b]
    t, o = _values(cov, covered)
    best = _lex_best(t, o, comfortable / (2 * cov.total), cov.tie)
    value = value_of(cov, covered[best].tolist(), float(comfortable[best]), 2)
    return ExactResult(
        (int(a[best]), int(b[best])), value, subsets=int(a.size), evaluated=int(a.size)
    )


def _triple_terms(cov: Coverage, a: int, b: int, cs: Ints) -> Floats:
    """cs x regions: the weight all of a, b and each c serve, per region."""
    rows = np.flatnonzero(cov.served_by_slot[a] & cov.served_by_slot[b])
    out = np.zeros((cs.size, cov.regions), dtype=np.float64)
    if rows.size == 0:
        return out
    weighted = cov.served_by_slot[cs][:, rows] * cov.weight[rows][None, :]
    starts = np.searchsorted(rows, cov.region_bounds[:-1])
    present = np.flatnonzero(np.diff(np.append(starts, rows.size)) > 0)
    out[:, present] = np.add.reduceat(weighted, starts[present], axis=1)
    return out


def _exact_triples(
    cov: Coverage, served_singles: Floats, region_grams: Floats, a: Ints, b: Ints, c: Ints
) -> Floats:
    """triples x regions: exact covered weight, by inclusion-exclusion."""
    covered = (
        served_singles[a]
        + served_singles[b]
        + served_singles[c]
        - region_grams[:, a, b].T
        - region_grams[:, a, c].T
        - region_grams[:, b, c].T
    )
    pairs, inverse = np.unique(np.stack([a, b], axis=1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if pairs.shape[0] * 4 >= a.size:
        # Few triples share a pair: sum the triple intersections directly, in batches.
        step = max(1, 2**25 // max(1, cov.rows))
        for start in range(0, a.size, step):
            part = slice(start, start + step)
            both = (
                cov.served_by_slot[a[part]]
                & cov.served_by_slot[b[part]]
                & cov.served_by_slot[c[part]]
            )
            for r in range(cov.regions):
                low, high = int(cov.region_bounds[r]), int(cov.region_bounds[r + 1])
                covered[part, r] += both[:, low:high].astype(np.float64) @ cov.weight[low:high]
        return covered
    # Many triples per pair: the rows both slots of a pair serve, once per pair.
    order = np.argsort(inverse, kind="stable")
    for members in np.split(order, np.flatnonzero(np.diff(inverse[order])) + 1):
        first = int(members[0])
        covered[members] += _triple_terms(cov, int(a[first]), int(b[first]), c[members])
    return covered


@dataclass
class _Bounds:
    """What the triple bounds need, per region and for comfort."""

    singles: Floats  # regions x slots
    grams: Floats  # regions x slots x slots
    pair_cover: Floats  # regions x slots x slots: exact coverage of each pair
    comfort_single: Floats  # slots


def _triple_survivors(
    cov: Coverage, bounds: _Bounds, pair_ok: Bools, best: Value, margin: float
) -> tuple[int, Ints, Ints, Ints, Floats, Floats, Floats]:
    """Triples a < b < c, all three of whose pairs survived, whose bound can beat ``best``.

    For each first slot a, the candidates (b, c) are its surviving partners; each region's
    bound is applied in turn to those still alive, the most demanding regions first."""
    tie = cov.tie
    totals = cov.region_total
    need = (best.min_share - tie) * totals - margin  # a triple's region must reach this
    # Regions whose pairs fall short most often first: they remove the most candidates.
    short = [(pair_ok & (bounds.pair_cover[r] < need[r])).sum() for r in range(cov.regions)]
    order = np.argsort(-np.array(short), kind="stable").tolist()
    considered = 0
    found: list[tuple[Ints, Ints, Ints, Floats, Floats, Floats]] = []
    for a in range(cov.slots - 2):
        partners = np.flatnonzero(pair_ok[a, a + 1 :]) + a + 1
        if partners.size < 2:
            continue
        i, j = np.nonzero(np.triu(pair_ok[np.ix_(partners, partners)], 1))
        considered += int(i.size)
        if i.size == 0:
            continue
        b, c = partners[i], partners[j]
        low_t = np.full(b.size, np.inf)
        total = np.zeros(b.size)
        alive = np.arange(b.size)
        for r in order:
            bb, cc = b[alive], c[alive]
            gram = bounds.grams[r]
            i_ab, i_ac, i_bc = gram[a, bb], gram[a, cc], gram[bb, cc]
            upper = (
                bounds.pair_cover[r, a, bb]
                + bounds.singles[r, cc]
                - i_ac
                - i_bc
                + np.minimum(np.minimum(i_ab, i_ac), i_bc)
            )
            ok = upper >= need[r]
            alive, upper = alive[ok], upper[ok]
            if alive.size == 0:
                break
            low_t[alive] = np.minimum(low_t[alive], (upper + margin) / totals[r])
            total[alive] += upper
        if alive.size == 0:
            continue
        bb, cc = b[alive], c[alive]
        upper_t = np.minimum(1.0, low_t[alive])
        upper_o = np.minimum(1.0, (total[alive] + margin) / cov.total)
        upper_c = (
            bounds.comfort_single[a] + bounds.comfort_single[bb] + bounds.comfort_single[cc]
        ) / (3 * cov.total)
        keep = could_beat(upper_t, upper_o, upper_c, best, tie)
        if keep.any():
            found.append(
                (np.full(int(keep.sum()), a), bb[keep], cc[keep], upper_t[keep], upper_o[keep],
                 upper_c[keep])
            )  # fmt: skip
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return considered, empty, empty, empty, np.zeros(0), np.zeros(0), np.zeros(0)
    columns = [np.concatenate([f[n] for f in found]) for n in range(6)]
    return (
        considered,
        columns[0].astype(np.int64),
        columns[1],
        columns[2],
        columns[3],
        columns[4],
        columns[5],
    )


def exact_three(cov: Coverage, region_grams: Floats, incumbent: LocalSearchResult) -> ExactResult:
    """Every triple is pruned by a bound or evaluated exactly; see the module's docstring."""
    tie = cov.tie
    # Exact integer sums need no margin (a tie must stay a tie); float64 sums get a little.
    margin = 0.0 if cov.exact else 1e-9 * cov.total
    best_slots, best = incumbent.slots, incumbent.value
    totals = cov.region_total
    total_triples = math.comb(cov.slots, 3)
    singles_t = np.diagonal(region_grams, axis1=1, axis2=2).copy()  # regions x slots
    comfort_single = cov.comfort_single
    bounds = _Bounds(
        singles=singles_t,
        grams=region_grams,
        pair_cover=singles_t[:, :, None] + singles_t[:, None, :] - region_grams,
        comfort_single=comfort_single,
    )

    # Stage 1: pairs. A triple covers at most its pair plus the best single slot, region by
    # region; a pair that cannot beat the incumbent that way is in no better triple.
    best_single = singles_t.max(axis=1)
    pair_t = np.minimum(
        1.0,
        ((bounds.pair_cover + best_single[:, None, None] + margin) / totals[:, None, None]).min(
            axis=0
        ),
    )
    pair_o = np.minimum(
        1.0, (bounds.pair_cover.sum(axis=0) + singles_t.sum(axis=0).max() + margin) / cov.total
    )
    pair_c = (comfort_single[:, None] + comfort_single[None, :] + comfort_single.max()) / (
        3 * cov.total
    )
    pair_ok = could_beat(pair_t, pair_o, pair_c, best, tie)
    np.fill_diagonal(pair_ok, False)

    # Stage 2: triples whose three pairs survived, bounded with pairwise intersections.
    considered, sa, sb, sc, st, so, sk = _triple_survivors(cov, bounds, pair_ok, best, margin)

    # Stage 3: exact values, best bounds first, until no bound can beat the best found.
    evaluated = 0
    order = np.lexsort((-sk, -so, -st))
    sa, sb, sc, st, so, sk = sa[order], sb[order], sc[order], st[order], so[order], sk[order]
    served_singles = singles_t.T
    # The best second bound from each position on: once no later triple can beat the best on
    # the first objective and none can reach it on the second, the search is over.
    later_o = np.maximum.accumulate(so[::-1])[::-1] if so.size else so
    for start in range(0, sa.size, _EXACT_BATCH):
        stop = start + _EXACT_BATCH
        if st[start] < best.min_share - tie:
            break  # sorted by the first bound: no later triple can beat the best either
        if st[start] <= best.min_share + tie and later_o[start] < best.overall - tie:
            break
        live = start + np.flatnonzero(
            could_beat(st[start:stop], so[start:stop], sk[start:stop], best, tie)
        )
        if live.size == 0:
            continue
        a, b, c = sa[live], sb[live], sc[live]
        covered = _exact_triples(cov, served_singles, region_grams, a, b, c)
        evaluated += int(live.size)
        best_slots, best = _improve(cov, np.stack([a, b, c], axis=1), covered, (best_slots, best))
    return ExactResult(
        tuple(sorted(best_slots)),
        best,
        subsets=total_triples,
        pruned_by_pairs=total_triples - considered,
        pruned_by_bound=considered - evaluated,
        evaluated=evaluated,
        extra={"survivors": int(sa.size)},
    )
