"""Exact and near-duplicate articles: normalised-text hash, then MinHash LSH on word shingles.

Exact copies share :func:`text_key` (a hash of :func:`normalize`'d text). Near copies (a syndicated
article with a boilerplate line added, a sentence dropped, a few words changed) are found with
MinHash LSH over word shingles and then *verified* with the true shingle Jaccard, so an LSH false
positive never links two different articles. Each duplicate is linked to the earlier article it
copies (:class:`Match`); nothing is dropped here.

Two back ends compute the MinHash signatures and hold the LSH index: ``rensa`` (Rust, the default)
and ``datasketch``. Each is imported only when selected. Signatures are compact bytes
(:func:`signature`) that a store can keep, and :meth:`NearDuplicates.load` rebuilds the index from
stored ``(id, signature)`` pairs in another process.

Parameters were chosen with ``python benchmarks/bench_dedup.py`` (see benchmarks/RESULTS.md,
"Near-duplicates (issue 4)").
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import numpy as np

from .errors import NotInstalled, StorylensError

# Word 5-grams. bench_dedup's shingle table: the margin between the 5th-percentile Jaccard of the
# mildest-but-real variants (boilerplate, reorder, edit) and the most similar pair of different
# articles of one story is 0.33 at k=3, 0.35 at k=5 and 0.29 at k=7; 3-grams let same-story articles
# share stock phrases (max 0.43), 7-grams punish each changed word over more shingles.
SHINGLE = 5
# 128 permutations: bench_dedup recall 0.963 at 64, 0.970 at 128, 0.971 at 256 (signatures twice as
# large for +0.001); the standard error of a 128-permutation estimate at J=0.5 is 0.044.
NUM_PERM = 128
# 32 bands of 4 rows: the S-curve's midpoint is (1/32)^(1/4) = 0.42, so a pair at the verification
# threshold (0.5) becomes a candidate with probability 1-(1-0.5^4)^32 = 0.87 and one at 0.7 with
# probability 0.9998, while pairs of different articles (Jaccard < 0.1) almost never do.
BANDS, ROWS = 32, 4
# Verified 5-shingle Jaccard at or above which an article is a near-duplicate. bench_dedup: F1 0.993
# at 0.3 (but 4 links between different articles of one story), 0.992 at 0.4, 0.985 at 0.5, 0.969 at
# 0.6, 0.941 at 0.7; the most similar same-story pair of different articles is at 0.38, so 0.5 keeps
# a margin of 0.12 above it on unseen data for 0.7 points of F1.
THRESHOLD = 0.5
SEED = 1
BACKENDS = ("rensa", "datasketch")
DEFAULT_BACKEND = "rensa"  # bench_dedup: F1 0.985 both; rensa 2-3x faster (see RESULTS.md)
_HEADER = struct.Struct("<BBH")  # back-end code, shingle size, num_perm
_CODES = {"rensa": 1, "datasketch": 2}

# Quotes and apostrophes are dropped ("don't" == "dont"); dashes and other punctuation split words.
_QUOTES = "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2026"
_ASCII_TABLE = bytes(c if chr(c).isalnum() or chr(c).isspace() else 32 for c in range(128)) + bytes(range(128, 256))
_NON_WORD = re.compile(r"[^\w\s]|_")
# splitmix64 constants (Steele et al. 2014) to mix word hashes into shingle hashes
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
# odd multipliers, one per position in a shingle (from splitmix64's increment), so order counts
_POSITION = [np.uint64((0x9E3779B97F4A7C15 * (2 * j + 1)) % 2**64) for j in range(16)]
_P = np.uint64(0x100000001B3)  # the 64-bit FNV prime: odd, so it has an inverse modulo 2**64
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))


@dataclass(frozen=True)
class Match:
    """The earlier article a new one copies, and how similar they are (verified shingle Jaccard)."""

    article: str
    similarity: float
    exact: bool = False


def normalize(text: str) -> str:
    """Case-folded NFKC text with quotes and apostrophes dropped, dashes and other punctuation
    turned into spaces and whitespace collapsed: the form exact and near duplicates are compared in."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    for c in _QUOTES:
        if c in text:
            text = text.replace(c, "")
    for c in _DASHES:
        if c in text:
            text = text.replace(c, " ")
    if text.isascii():  # the common case: one C-level byte translation instead of a regex
        return " ".join(text.encode("ascii").translate(_ASCII_TABLE).decode("ascii").split())
    return " ".join(_NON_WORD.sub(" ", text).split())


def text_key(text: str) -> str:
    """A stable 128-bit hex key of the normalised text: equal keys mean exact duplicates."""
    return _key(normalize(text))


def _key(normalized: str) -> str:
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=16).hexdigest()


def _mix(h: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: spreads every input bit over the 64-bit output."""
    h = (h ^ (h >> np.uint64(30))) * _MIX[1]
    h = (h ^ (h >> np.uint64(27))) * _MIX[2]
    return h ^ (h >> np.uint64(31))


@cache
def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i modulo 2**64 for i < n (n a power of two: few sizes are ever cached)."""
    up, down = np.full(n, _P, dtype=np.uint64), np.full(n, _P_INV, dtype=np.uint64)
    up[0] = down[0] = 1
    return np.cumprod(up, dtype=np.uint64), np.cumprod(down, dtype=np.uint64)


def _word_hashes(normalized: str) -> np.ndarray:
    """A polynomial hash of each space-separated word's UTF-8 bytes, all words at once: prefix sums
    of byte * P**i, each word's difference shifted back by P**-start (P is odd, so invertible)."""
    b = np.frombuffer(normalized.encode("utf-8"), dtype=np.uint8)
    if not len(b):
        return np.empty(0, dtype=np.uint64)
    edge = np.flatnonzero(np.diff(b == 32)) + 1  # word starts and ends alternate (no edge spaces)
    starts = np.concatenate(([0], edge[1::2]))
    ends = np.concatenate((edge[::2], [len(b)]))
    up, down = _powers(1 << len(b).bit_length())
    prefix = np.zeros(len(b) + 1, dtype=np.uint64)
    np.cumsum(b * up[: len(b)], dtype=np.uint64, out=prefix[1:])
    return _mix((prefix[ends] - prefix[starts]) * down[starts])


def shingle_hashes(normalized: str, k: int = SHINGLE) -> np.ndarray:
    """Stable 64-bit hashes of the word k-grams of normalised text (one for a text under k words).

    Stable across processes (unlike ``hash``), so signatures can be stored; a shingle's hash mixes
    its words' hashes by position, so the same words in another order give another shingle.
    """
    w = _word_hashes(normalized)
    if not len(w):
        return w
    n = max(len(w) - k + 1, 1)
    acc = w[:n].copy()
    for j in range(1, min(k, len(w))):
        acc += w[j:j + n] * _POSITION[j]
    return _mix(acc)


def _shingle_set(hashes: np.ndarray) -> np.ndarray:
    """Sorted unique low 32 bits of the shingle hashes, kept for verification. 32 bits halve the
    memory of 64; two ~500-shingle articles share a false hash with probability 500*500/2**32 = 6e-5."""
    h = np.sort(hashes.astype(np.uint32))
    return h[np.concatenate(([True], h[1:] != h[:-1]))] if len(h) else h


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted unique hash arrays (1.0 for two empty texts)."""
    if not len(a) and not len(b):
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


# ------------------------------------------------------------------ back ends


class Backend(Protocol):
    """What a MinHash LSH back end does: signatures as uint32 arrays, an index keyed by int."""

    name: str

    def signatures(self, docs: Sequence[np.ndarray]) -> np.ndarray: ...

    def insert(self, keys: Sequence[int], sigs: np.ndarray) -> None: ...

    def query(self, sigs: np.ndarray) -> list[list[int]]: ...

    def query_insert(self, key: int, sig: np.ndarray) -> list[int]: ...


class _Datasketch:
    """datasketch MinHash (affine32 scheme) and an in-memory MinHashLSH with fixed bands."""

    name = "datasketch"

    def __init__(self, num_perm: int, bands: int) -> None:
        try:
            import datasketch
        except ImportError as e:
            raise NotInstalled("near-duplicates (datasketch back end)", "datasketch") from e
        self._ds = datasketch
        self._num_perm = num_perm
        self._lsh = datasketch.MinHashLSH(num_perm=num_perm, params=(bands, num_perm // bands))

    def signatures(self, docs: Sequence[np.ndarray]) -> np.ndarray:
        out = np.empty((len(docs), self._num_perm), dtype=np.uint32)
        for i, doc in enumerate(docs):  # affine32 takes 32-bit token hashes: the low half of ours
            m = self._ds.MinHash(num_perm=self._num_perm, seed=SEED, hashfunc=int)
            m.update_batch(doc.astype(np.uint32).tolist())
            out[i] = m.hashvalues
        return out

    def _lean(self, sig: np.ndarray) -> Any:
        return self._ds.LeanMinHash(seed=SEED, hashvalues=sig, scheme="affine32")

    def insert(self, keys: Sequence[int], sigs: np.ndarray) -> None:
        with self._lsh.insertion_session() as session:
            for key, sig in zip(keys, sigs):
                session.insert(key, self._lean(sig), check_duplication=False)

    def query(self, sigs: np.ndarray) -> list[list[int]]:
        return [list(self._lsh.query(self._lean(sig))) for sig in sigs]

    def query_insert(self, key: int, sig: np.ndarray) -> list[int]:
        """The candidates of ``sig`` among the keys indexed so far, then index it under ``key``."""
        lean = self._lean(sig)
        found = list(self._lsh.query(lean))
        self._lsh.insert(key, lean, check_duplication=False)
        return found


class _Rensa:
    """rensa RMinHash and RMinHashLSH (Rust). A stored digest becomes an RMinHash again through the
    class's own pickle state (checked to round-trip when the back end starts)."""

    name = "rensa"

    def __init__(self, num_perm: int, bands: int) -> None:
        try:
            import rensa
        except ImportError as e:
            raise NotInstalled("near-duplicates (rensa back end)", "rensa") from e
        self._rensa = rensa
        self._num_perm = num_perm
        self._lsh = rensa.RMinHashLSH(threshold=THRESHOLD, num_perm=num_perm, num_bands=bands)
        self._prefix = self._state_prefix()

    def _state_prefix(self) -> bytes:
        """The pickle state of an empty RMinHash without its digest (num_perm varints of u32::MAX)."""
        empty = self._rensa.RMinHash(self._num_perm, SEED).__getstate__()
        tail = _leb128(np.full(self._num_perm, 0xFFFFFFFF, dtype=np.uint32))
        probe = np.arange(7, 7 + 997 * self._num_perm, 997, dtype=np.uint32) ** 3
        if not empty.endswith(tail) or self._minhash(probe, empty[: -len(tail)]).digest() != probe.tolist():
            raise StorylensError("this rensa version stores MinHash state in an unknown layout", "rensa")
        return empty[: -len(tail)]

    def _minhash(self, sig: np.ndarray, prefix: bytes | None = None) -> Any:
        m = self._rensa.RMinHash(self._num_perm, SEED)
        m.__setstate__((self._prefix if prefix is None else prefix) + _leb128(sig))
        return m

    def signatures(self, docs: Sequence[np.ndarray]) -> np.ndarray:
        if not docs:
            return np.empty((0, self._num_perm), dtype=np.uint32)
        flat = np.concatenate(docs).astype(np.uint64, copy=False)
        offsets = np.zeros(len(docs) + 1, dtype=np.uint64)
        np.cumsum([len(d) for d in docs], out=offsets[1:])
        matrix = self._rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, self._num_perm, SEED)
        return np.asarray(matrix.to_rows(), dtype=np.uint32)

    def insert(self, keys: Sequence[int], sigs: np.ndarray) -> None:
        self._lsh.insert_pairs([(k, self._minhash(s)) for k, s in zip(keys, sigs)])

    def query(self, sigs: np.ndarray) -> list[list[int]]:
        return [list(c) for c in self._lsh.query_all([self._minhash(s) for s in sigs])]

    def query_insert(self, key: int, sig: np.ndarray) -> list[int]:
        """The candidates of ``sig`` among the keys indexed so far, then index it under ``key``."""
        m = self._minhash(sig)
        found = list(self._lsh.query(m))
        self._lsh.insert(key, m)
        return found


_SHIFTS = np.arange(0, 35, 7, dtype=np.uint64)
_LIMITS = np.array([1 << 7, 1 << 14, 1 << 21, 1 << 28], dtype=np.uint64)


def _leb128(values: np.ndarray) -> bytes:
    """Unsigned LEB128 (postcard varint) encoding of uint32 values, vectorised."""
    v = values.astype(np.uint64)
    groups = ((v[:, None] >> _SHIFTS) & np.uint64(0x7F)).astype(np.uint8)
    length = np.searchsorted(_LIMITS, v, side="right") + 1
    col = np.arange(5)
    groups[col < (length - 1)[:, None]] |= 0x80
    return groups[col < length[:, None]].tobytes()


def make_backend(name: str = DEFAULT_BACKEND, num_perm: int = NUM_PERM, bands: int = BANDS) -> Backend:
    """A back end by name (``rensa`` or ``datasketch``), its library imported only now."""
    if name == "rensa":
        return _Rensa(num_perm, bands)
    if name == "datasketch":
        return _Datasketch(num_perm, bands)
    raise StorylensError(f"unknown near-duplicate back end {name!r} (choose from {', '.join(BACKENDS)})")


# ------------------------------------------------------------------ signatures as bytes


def encode_signature(sig: np.ndarray, backend: str) -> bytes:
    """Header (back end, shingle size, num_perm) + little-endian uint32 digest."""
    return _HEADER.pack(_CODES[backend], SHINGLE, len(sig)) + sig.astype("<u4").tobytes()


def decode_signature(data: bytes, backend: str, num_perm: int = NUM_PERM) -> np.ndarray:
    """The uint32 digest of stored signature bytes; StorylensError if made with other settings."""
    if len(data) < _HEADER.size:
        raise StorylensError("signature too short", "dedup signature")
    code, k, n = _HEADER.unpack_from(data)
    if code != _CODES[backend] or k != SHINGLE or n != num_perm or len(data) != _HEADER.size + 4 * n:
        made = next((b for b, c in _CODES.items() if c == code), f"code {code}")
        raise StorylensError(f"signature made by {made} ({n} perms, {k}-word shingles), expected {backend} "
                             f"({num_perm} perms, {SHINGLE}-word shingles)", "dedup signature")
    return np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint32)


@cache
def _signer(backend: str) -> Backend:
    """One back end per name for signatures outside an index (its own index stays empty)."""
    return make_backend(backend)


def signature(text: str, backend: str = DEFAULT_BACKEND) -> bytes:
    """The compact MinHash signature of one text, for a store to keep (see NearDuplicates.load)."""
    return encode_signature(_signer(backend).signatures([shingle_hashes(normalize(text))])[0], backend)


# ------------------------------------------------------------------ the index

Item = tuple[str, str]  # (article id, text)
_CHUNK = 2048  # articles per bulk signature call in add_many: bounds memory, keeps rensa's batching


class NearDuplicates:
    """An incremental duplicate index: :meth:`add` each article in arrival order and get back the
    earlier article it copies, if any (exact copy first, then verified near copy).

    Articles added in this process are verified on their own shingles. Articles restored with
    :meth:`load` have only a signature: a candidate among them is verified on the text ``text_of(id)``
    returns, or, without ``text_of`` (or when it returns None), on the Jaccard the two full signatures
    estimate (128 permutations: standard error about 0.04 near the threshold).
    """

    def __init__(self, backend: str = DEFAULT_BACKEND, *, threshold: float = THRESHOLD,
                 text_of: Callable[[str], str | None] | None = None,
                 num_perm: int = NUM_PERM, bands: int = BANDS) -> None:
        self.backend = backend
        self.threshold = threshold
        self.num_perm = num_perm
        self._be = make_backend(backend, num_perm, bands)
        self._text_of = text_of
        self._ids: list[str] = []  # LSH key -> article id
        self._sets: list[np.ndarray | None] = []  # LSH key -> shingle hashes (None when loaded)
        self._sigs: list[np.ndarray] = []  # LSH key -> digest
        self._keys: dict[str, str] = {}  # text_key -> first article id with that text
        self._seen: dict[str, Match | None] = {}  # every article id added -> its match

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._seen

    def signature(self, text: str) -> bytes:
        """The stored form of ``text``'s signature for this index's back end."""
        return encode_signature(self._be.signatures([shingle_hashes(normalize(text))])[0], self.backend)

    def signatures(self, texts: Sequence[str]) -> list[bytes]:
        """Signatures of many texts in one back-end call (faster than one by one)."""
        sigs = self._be.signatures([shingle_hashes(normalize(t)) for t in texts])
        return [encode_signature(s, self.backend) for s in sigs]

    def candidates(self, sig: bytes) -> list[str]:
        """Article ids whose signatures share an LSH band with ``sig`` (unverified), earliest first."""
        keys = self._be.query(decode_signature(sig, self.backend, self.num_perm)[None, :])[0]
        return [self._ids[k] for k in sorted(keys)]

    def add(self, article_id: str, text: str, signature: bytes | None = None) -> Match | None:
        """Index one article; return the earlier article it copies, or None when it is new.

        ``signature`` (from :meth:`signature`) spares a second pass over the text. Adding an id again changes
        nothing and returns the same answer as the first time.
        """
        if article_id in self._seen:
            return self._seen[article_id]
        sig = None if signature is None else decode_signature(signature, self.backend, self.num_perm)
        norm = normalize(text)
        return self._add(article_id, _key(norm), shingle_hashes(norm), sig)

    def add_exact(self, article_id: str, text: str) -> Match | None:
        """Index one article for exact copies only: the earlier article with the same normalised text,
        or None. It gets no signature and is never a near copy, nor found as one: a headline-only
        article (issue 16) is too short for shared shingles to mean copying (two headlines that differ
        in one place name share most of their 5-word shingles)."""
        if article_id in self._seen:
            return self._seen[article_id]
        key = _key(normalize(text))
        match = Match(self._keys[key], 1.0, exact=True) if key in self._keys else None
        self._keys.setdefault(key, article_id)
        self._seen[article_id] = match
        return match

    def add_many(self, items: Iterable[Item]) -> dict[str, Match]:
        """Add ``(id, text)`` pairs in order; the duplicates found, each with the article it copies."""
        found: dict[str, Match] = {}
        chunk: list[Item] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= _CHUNK:
                found.update(self._add_chunk(chunk))
                chunk = []
        found.update(self._add_chunk(chunk))
        return found

    def _add_chunk(self, chunk: list[Item]) -> dict[str, Match]:
        fresh: dict[str, str] = {}
        for article_id, text in chunk:  # the first text of an id wins, as with add()
            if article_id not in self._seen:
                fresh.setdefault(article_id, text)
        norms = [normalize(t) for t in fresh.values()]
        grams = [shingle_hashes(n) for n in norms]
        sigs = self._be.signatures(grams)
        found = {}
        for article_id, norm, g, sig in zip(fresh, norms, grams, sigs):
            match = self._add(article_id, _key(norm), g, sig)
            if match is not None:
                found[article_id] = match
        return found

    def _add(self, article_id: str, key: str, grams: np.ndarray, sig: np.ndarray | None) -> Match | None:
        if key in self._keys:
            match: Match | None = Match(self._keys[key], 1.0, exact=True)
        else:
            self._keys[key] = article_id
            if sig is None:
                sig = self._be.signatures([grams])[0]
            own = _shingle_set(grams)
            key_ = len(self._ids)
            match = self._verify(own, sig, self._be.query_insert(key_, sig))
            self._remember(article_id, own, sig)
        self._seen[article_id] = match
        return match

    def _remember(self, article_id: str, own: np.ndarray | None, sig: np.ndarray) -> None:
        """Keep what verification needs under the next LSH key (the back end indexes it)."""
        self._ids.append(article_id)
        self._sets.append(own)
        self._sigs.append(sig)

    def _verify(self, own: np.ndarray, sig: np.ndarray, keys: Iterable[int]) -> Match | None:
        """The earliest candidate whose similarity reaches the threshold."""
        for key in sorted(keys):
            sim = self._similarity(key, own, sig)
            if sim >= self.threshold:
                return Match(self._ids[key], sim)
        return None

    def _similarity(self, key: int, own: np.ndarray, sig: np.ndarray) -> float:
        other = self._sets[key]
        if other is None and self._text_of is not None:
            text = self._text_of(self._ids[key])
            other = None if text is None else _shingle_set(shingle_hashes(normalize(text)))
        if other is None:
            return float(np.mean(self._sigs[key] == sig))
        return jaccard(own, other)

    @classmethod
    def load(cls, pairs: Iterable[tuple[str, bytes]], *, keys: Mapping[str, str] | None = None,
             backend: str = DEFAULT_BACKEND, threshold: float = THRESHOLD,
             text_of: Callable[[str], str | None] | None = None) -> NearDuplicates:
        """Rebuild an index from stored ``(article id, signature)`` pairs, in their original order.

        ``keys`` maps article ids to their :func:`text_key` so exact copies are found again;
        ``text_of`` gives a stored article's text to verify a candidate on (see the class doc).
        """
        index = cls(backend, threshold=threshold, text_of=text_of)
        for article_id, sig in pairs:
            if article_id not in index._seen:
                index._seen[article_id] = None
                digest = decode_signature(sig, backend)
                index._be.insert([len(index._ids)], digest[None, :])
                index._remember(article_id, None, digest)
        for article_id, key in (keys or {}).items():
            index._keys.setdefault(key, article_id)
        return index


def find_duplicates(articles: Iterable[Any], *, backend: str = DEFAULT_BACKEND,
                    threshold: float = THRESHOLD) -> dict[str, tuple[str, float]]:
    """Exact and near duplicates in a batch, in the given order: ``{duplicate id: (original id,
    similarity)}``, the original being the earliest-added article the duplicate is verified to copy.

    ``articles`` holds :class:`~storylens.model.Article` objects or ``(id, text)`` pairs.
    """
    items = ((a.id, a.text) if hasattr(a, "text") else (a[0], a[1]) for a in articles)
    found = NearDuplicates(backend, threshold=threshold).add_many(items)
    return {dup: (m.article, m.similarity) for dup, m in found.items()}
