# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Compiled text analysis for the fast path: tokens, word and char_wb n-grams and vocabulary lookups in C.

Python version: ``fast_text`` (``word_ngrams``, ``char_wb_ngrams``, ``Vocabulary``), itself checked against
scikit-learn's ``build_analyzer()``; tests/test_fast_analysis.py compares this module with both.

What it takes from Python, and why that is exact:

* the *prepared* text (``str.lower()`` or the vectoriser's preprocessor, called in Python): CPython's ``str.lower``
  is already compiled code, and it applies full case mapping (``İ`` -> ``i̇``, final sigma), which a per-character
  ``tolower`` would not reproduce;
* word characters are ``Py_UNICODE_ISALNUM(c) or c == '_'``, the very test ``re`` uses for ``\\w`` and ``\\b`` on
  str patterns (``SRE_UNI_IS_WORD``), so the tokens of ``(?u)\\b\\w\\w+\\b`` are the maximal runs of two or more
  word characters; whitespace is ``Py_UNICODE_ISSPACE``, what ``str.split()`` uses;
* n-grams are keyed by their UTF-8 bytes (lone surrogates as their 3-byte form, like ``surrogatepass``): an
  injective encoding, so two n-grams share a key exactly when they are equal strings.

``NgramTable`` replaces the Python dict (n-gram -> column or tuple of columns): open addressing with linear
probing over 8-byte slots (a 32-bit tag of the 64-bit FNV-1a hash and the offset of the entry), load at most
one half; an entry (int32 words) holds the key's byte length, its column count, the columns and the key bytes,
and a probe compares the bytes, so a hash collision can cost time, never a wrong column. Char n-grams that start
at the same character are prefixes of one another, so their hashes are computed incrementally.
"""
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND, PyUnicode_READ
from libc.stdint cimport int32_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.math cimport sqrt
from libc.string cimport memcmp, memcpy, memset

import numpy as np

cdef extern from "Python.h":
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch) nogil

cdef extern from *:
    """
    #if defined(__GNUC__)
    #define NF_PREFETCH(p) __builtin_prefetch((const void*)(p))
    #else
    #define NF_PREFETCH(p) ((void)0)
    #endif
    """
    void NF_PREFETCH(const void* p) nogil


cdef uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL
cdef uint64_t FNV_PRIME = 0x100000001b3ULL
cdef uint64_t GOLDEN = 0x9E3779B97F4A7C15ULL
cdef enum:
    PREFETCH_AHEAD = 16  # rows or slots requested ahead of use: enough misses in flight to fill the memory pipeline
    HEADER = 2  # int32 words before an entry's columns: key bytes, column count

WORD = 0
CHAR_WB = 1


cdef inline uint64_t fnv(uint64_t h, const uint8_t* data, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        h = (h ^ data[i]) * FNV_PRIME
    return h


cdef inline bint is_word(uint32_t c) noexcept nogil:
    if c < 128:
        return (c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122) or c == 95
    return Py_UNICODE_ISALNUM(<Py_UCS4>c) or c == 95


cdef inline bint is_space(uint32_t c) noexcept nogil:
    if c < 128:
        return c == 32 or (c >= 9 and c <= 13) or (c >= 28 and c <= 31)
    return Py_UNICODE_ISSPACE(<Py_UCS4>c)


cdef inline int utf8(uint32_t c, uint8_t* out) noexcept nogil:
    """Write one code point as UTF-8 (surrogates as 3 bytes, as ``surrogatepass``); its byte count."""
    if c < 0x80:
        out[0] = <uint8_t>c
        return 1
    if c < 0x800:
        out[0] = <uint8_t>(0xC0 | (c >> 6))
        out[1] = <uint8_t>(0x80 | (c & 0x3F))
        return 2
    if c < 0x10000:
        out[0] = <uint8_t>(0xE0 | (c >> 12))
        out[1] = <uint8_t>(0x80 | ((c >> 6) & 0x3F))
        out[2] = <uint8_t>(0x80 | (c & 0x3F))
        return 3
    out[0] = <uint8_t>(0xF0 | (c >> 18))
    out[1] = <uint8_t>(0x80 | ((c >> 12) & 0x3F))
    out[2] = <uint8_t>(0x80 | ((c >> 6) & 0x3F))
    out[3] = <uint8_t>(0x80 | (c & 0x3F))
    return 4


def word_char(int c):
    """Whether code point ``c`` is a word character (``\\w``) to the compiled tokeniser (for tests)."""
    return bool(is_word(<uint32_t>c))


def space_char(int c):
    """Whether code point ``c`` is whitespace to the compiled splitter (for tests)."""
    return bool(is_space(<uint32_t>c))


cdef class Buffers:
    """Growable scratch arrays reused from document to document (one call at a time: ``Analyzer.acquire``)."""

    cdef uint8_t* text     # UTF-8 of the current text
    cdef Py_ssize_t* at    # byte offset of each code point, plus the end
    cdef uint8_t* word     # 1 where a code point is a word character (word recipes) or not whitespace (char_wb)
    cdef Py_ssize_t* spans # token (start, end) code point pairs
    cdef uint8_t* gram     # one n-gram's bytes
    cdef int32_t* out      # columns found
    cdef int32_t* tmp      # room for sorting them
    cdef int32_t* columns  # a row's distinct columns, values and members (``row_scores``)
    cdef float* values
    cdef Py_ssize_t* segment
    cdef uint64_t* hashes  # one per n-gram or word of a text
    cdef Py_ssize_t text_cap, gram_cap, out_cap, tmp_cap, row_cap, hash_cap, n_out
    cdef bint busy         # held by a call (``Analyzer.acquire``)

    def __cinit__(self):
        self.text_cap = self.gram_cap = self.out_cap = 0
        self.text = self.gram = self.word = NULL
        self.at = self.spans = NULL
        self.out = self.tmp = self.columns = NULL
        self.values = NULL
        self.segment = NULL
        self.n_out = self.tmp_cap = self.row_cap = self.hash_cap = 0
        self.busy = False
        self.hashes = NULL
        self.out_cap = 4096
        self.out = <int32_t*>_grow(NULL, sizeof(int32_t) * self.out_cap)

    def __dealloc__(self):
        free(self.text)
        free(self.at)
        free(self.word)
        free(self.spans)
        free(self.gram)
        free(self.out)
        free(self.tmp)
        free(self.columns)
        free(self.values)
        free(self.segment)
        free(self.hashes)

    cdef int reserve_text(self, Py_ssize_t n) except -1:
        """Room for a text of ``n`` code points."""
        cdef Py_ssize_t cap
        if n + 1 <= self.text_cap:
            return 0
        cap = max(2 * self.text_cap, n + 1, 256)
        self.text = <uint8_t*>_grow(self.text, 4 * cap)
        self.at = <Py_ssize_t*>_grow(self.at, sizeof(Py_ssize_t) * (cap + 1))
        self.word = <uint8_t*>_grow(self.word, cap)
        self.spans = <Py_ssize_t*>_grow(self.spans, sizeof(Py_ssize_t) * 2 * (cap + 1))
        self.text_cap = cap
        return 0

    cdef uint8_t* reserve_gram(self, Py_ssize_t n) except NULL:
        if n > self.gram_cap:
            self.gram_cap = max(2 * self.gram_cap, n, 256)
            self.gram = <uint8_t*>_grow(self.gram, self.gram_cap)
        return self.gram

    cdef int reserve_row(self, Py_ssize_t n) except -1:
        if n > self.row_cap:
            self.row_cap = max(2 * self.row_cap, n, 4096)
            self.columns = <int32_t*>_grow(self.columns, sizeof(int32_t) * self.row_cap)
            self.values = <float*>_grow(self.values, sizeof(float) * self.row_cap)
            self.segment = <Py_ssize_t*>_grow(self.segment, sizeof(Py_ssize_t) * self.row_cap)
        return 0

    cdef uint64_t* reserve_hashes(self, Py_ssize_t n) except NULL:
        if n > self.hash_cap or self.hashes == NULL:
            self.hash_cap = max(2 * self.hash_cap, n, 1024)
            self.hashes = <uint64_t*>_grow(self.hashes, sizeof(uint64_t) * self.hash_cap)
        return self.hashes

    cdef int32_t* reserve_tmp(self, Py_ssize_t n) except NULL:
        if n > self.tmp_cap:
            self.tmp_cap = max(2 * self.tmp_cap, n, 4096)
            self.tmp = <int32_t*>_grow(self.tmp, sizeof(int32_t) * self.tmp_cap)
        return self.tmp

    cdef inline int push(self, int32_t column) except -1:
        if self.n_out + 1 > self.out_cap:
            self.out_cap = max(2 * self.out_cap, self.n_out + 1, 4096)
            self.out = <int32_t*>_grow(self.out, sizeof(int32_t) * self.out_cap)
        self.out[self.n_out] = column
        self.n_out += 1
        return 0

    cdef inline int add(self, const int32_t* entry) except -1:
        """Append an entry's columns to ``out``."""
        cdef int32_t k, count = entry[1]
        if self.n_out + count > self.out_cap:
            self.out_cap = max(2 * self.out_cap, self.n_out + count, 4096)
            self.out = <int32_t*>_grow(self.out, sizeof(int32_t) * self.out_cap)
        for k in range(count):
            self.out[self.n_out + k] = entry[HEADER + k]
        self.n_out += count
        return 0


cdef void* _grow(void* old, size_t size) except NULL:
    cdef void* new = realloc(old, size)
    if new == NULL:
        raise MemoryError()
    return new


cdef class Lookup:
    """Where a group's n-grams find their columns: a vocabulary (``NgramTable``) or a hashing space (``HashSpace``)."""

    cdef readonly int32_t largest  # the largest column it can give

    cdef int lookup(self, Buffers b, uint64_t h, const uint8_t* key, Py_ssize_t n) except -1:
        """Append the columns of the ``n`` bytes at ``key`` (FNV-1a hash ``h``) to ``b``."""
        return 0

    cdef void prefetch(self, uint64_t h) noexcept:
        """Start loading the memory a lookup of hash ``h`` will read first."""
        pass


cdef class NgramTable(Lookup):
    """Immutable map from n-grams (UTF-8 bytes) to one or more int32 columns, built from vocabulary dicts."""

    cdef uint64_t[::1] _slots
    cdef int32_t[::1] _entries
    cdef uint64_t* slots
    cdef int32_t* entries
    cdef int shift
    cdef uint64_t mask
    cdef readonly Py_ssize_t n_keys, per_key

    def __init__(self, list vocabularies):
        """``vocabularies``: dicts n-gram -> column (ints), disjoint in columns; a key in several gets them all."""
        cdef dict merged
        cdef list terms, columns, raws = [], counts = []
        if len(vocabularies) == 1:  # the common case: no merging, one column per key
            terms, columns = list((<dict>vocabularies[0]).keys()), [int(c) for c in (<dict>vocabularies[0]).values()]
        else:  # key number of every (n-gram, column) pair, then the columns grouped by key, in vocabulary order
            merged, owners, columns = {}, [], []
            for vocabulary in vocabularies:
                owners.extend([merged.setdefault(term, len(merged)) for term in (<dict>vocabulary)])
                columns.extend([int(c) for c in (<dict>vocabulary).values()])
            order = np.argsort(np.array(owners, dtype=np.intp), kind="stable")
            terms, columns = list(merged), np.array(columns, dtype=np.int64)[order].tolist()
            counts = np.bincount(np.array(owners, dtype=np.intp), minlength=len(merged)).tolist()
        self.n_keys = len(terms)
        self.per_key = max(counts, default=1)
        self.largest = max(columns, default=0)
        if self.largest >= 2 ** 31 or min(columns, default=0) < 0:
            raise ValueError("columns must be int32 and non-negative")
        cdef Py_ssize_t capacity = 16, bits = 4, size = 0, key, k, n_bytes, n_columns, c = 0
        while capacity < 2 * self.n_keys:
            capacity *= 2
            bits += 1
        self.shift, self.mask = 64 - bits, capacity - 1
        cdef bytes raw
        for term in terms:
            raw = (<str>term).encode("utf-8", "surrogatepass")
            raws.append(raw)
            size += HEADER + (len(raw) + 3) // 4
        size += len(columns)
        if size >= 2 ** 32:
            raise ValueError("vocabulary too large for the compiled table")
        self._slots = np.zeros(capacity, dtype=np.uint64)
        self._entries = np.zeros(max(size, 1), dtype=np.int32)
        self.slots, self.entries = &self._slots[0], &self._entries[0]
        cdef int32_t[::1] flat = np.array(columns, dtype=np.int32) if columns else np.zeros(1, dtype=np.int32)
        cdef Py_ssize_t[::1] per = np.array(counts, dtype=np.intp) if counts else np.ones(max(self.n_keys, 1), dtype=np.intp)
        cdef Py_ssize_t at = 0
        cdef const uint8_t* data
        cdef uint64_t h
        cdef uint64_t i
        for key in range(self.n_keys):
            raw = <bytes>raws[key]
            data = <const uint8_t*>(<char*>raw)
            n_bytes, n_columns = len(raw), per[key]
            self.entries[at] = <int32_t>n_bytes
            self.entries[at + 1] = <int32_t>n_columns
            for k in range(n_columns):
                self.entries[at + HEADER + k] = flat[c + k]
            c += n_columns
            memcpy(&self.entries[at + HEADER + n_columns], data, n_bytes)
            h = fnv(FNV_OFFSET, data, n_bytes)
            i = (h * GOLDEN) >> self.shift
            while self.slots[i] != 0:
                i = (i + 1) & self.mask
            self.slots[i] = self.slot_of(h, at)
            at += HEADER + n_columns + (n_bytes + 3) // 4

    cdef inline uint64_t slot_of(self, uint64_t h, Py_ssize_t at) noexcept nogil:
        cdef uint64_t tag = h >> 32
        if tag == 0:
            tag = 1
        return (tag << 32) | <uint64_t>at

    cdef inline const int32_t* find(self, uint64_t h, const uint8_t* key, Py_ssize_t n) noexcept nogil:
        """The entry of the ``n`` bytes at ``key`` (hash ``h``), or NULL."""
        cdef uint64_t tag = h >> 32
        if tag == 0:
            tag = 1
        cdef uint64_t i = (h * GOLDEN) >> self.shift
        cdef uint64_t slot = self.slots[i]
        cdef const int32_t* entry
        while slot != 0:
            if (slot >> 32) == tag:
                entry = self.entries + (slot & 0xFFFFFFFFULL)
                if entry[0] == n and memcmp(entry + HEADER + entry[1], key, n) == 0:
                    return entry
            i = (i + 1) & self.mask
            slot = self.slots[i]
        return NULL

    cdef void prefetch(self, uint64_t h) noexcept:
        NF_PREFETCH(self.slots + ((h * GOLDEN) >> self.shift))

    cdef int lookup(self, Buffers b, uint64_t h, const uint8_t* key, Py_ssize_t n) except -1:
        cdef const int32_t* entry = self.find(h, key, n)
        if entry != NULL:
            b.add(entry)
        return 0

    def columns_of(self, str term):
        """The columns of one n-gram (empty when unknown), for tests."""
        raw = term.encode("utf-8", "surrogatepass")
        cdef const uint8_t* data = <const uint8_t*>(<char*>raw)
        cdef const int32_t* entry = self.find(fnv(FNV_OFFSET, data, len(raw)), data, len(raw))
        if entry == NULL:
            return []
        return [entry[HEADER + k] for k in range(entry[1])]

    @property
    def nbytes(self):
        """Memory held by the table's two arrays."""
        return self._slots.nbytes + self._entries.nbytes


cdef inline uint32_t rotl(uint32_t x, int r) noexcept nogil:
    return (x << r) | (x >> (32 - r))


cdef uint32_t murmur3_32(const uint8_t* key, Py_ssize_t n, uint32_t seed) noexcept nogil:
    """MurmurHash3_x86_32, as ``sklearn.utils.murmurhash3_32`` (and ``HashingVectorizer``) computes it."""
    cdef uint32_t h = seed, k, c1 = 0xcc9e2d51U, c2 = 0x1b873593U
    cdef Py_ssize_t i, blocks = n // 4
    for i in range(blocks):
        k = (<uint32_t>key[4 * i]) | (<uint32_t>key[4 * i + 1] << 8) | (<uint32_t>key[4 * i + 2] << 16) | (<uint32_t>key[4 * i + 3] << 24)
        k = rotl(k * c1, 15) * c2
        h = rotl(h ^ k, 13) * 5U + 0xe6546b64U
    k = 0
    i = n & 3
    if i >= 3:
        k ^= <uint32_t>key[4 * blocks + 2] << 16
    if i >= 2:
        k ^= <uint32_t>key[4 * blocks + 1] << 8
    if i >= 1:
        k ^= <uint32_t>key[4 * blocks]
        h ^= rotl(k * c1, 15) * c2
    h ^= <uint32_t>n
    h ^= h >> 16
    h *= 0x85ebca6bU
    h ^= h >> 13
    h *= 0xc2b2ae35U
    h ^= h >> 16
    return h


def murmurhash(bytes key, unsigned int seed=0):
    """Signed 32-bit MurmurHash3 of ``key`` (for tests: ``sklearn.utils.murmurhash3_32(key, seed)``)."""
    return <int32_t>murmur3_32(<const uint8_t*>(<char*>key), len(key), seed)


cdef class HashSpace(Lookup):
    """``HashingVectorizer``'s columns: ``abs(h) % n_features`` of the signed MurmurHash3 (seed 0) of the n-gram's
    UTF-8 bytes, with its special case for ``h = -2**31``; once per member of the group (``offsets``)."""

    cdef Py_ssize_t n_features
    cdef int32_t[::1] offsets

    def __init__(self, Py_ssize_t n_features, list offsets):
        if n_features < 1 or not offsets or min(offsets) < 0 or max(offsets) + n_features > 2 ** 31:
            raise ValueError("bad hashing space")
        self.n_features = n_features
        self.offsets = np.array(offsets, dtype=np.int32)
        self.largest = max(offsets) + n_features - 1

    cdef int lookup(self, Buffers b, uint64_t h, const uint8_t* key, Py_ssize_t n) except -1:
        cdef int32_t signed = <int32_t>murmur3_32(key, n, 0)
        cdef Py_ssize_t column, k
        if signed == -2147483648:
            column = (2147483647 - (self.n_features - 1)) % self.n_features
        else:
            column = (-(<Py_ssize_t>signed) if signed < 0 else signed) % self.n_features
        for k in range(self.offsets.shape[0]):
            b.push(<int32_t>(self.offsets[k] + column))
        return 0


cdef class WordCache:
    """Bounded map from a padded word (UTF-8 bytes) to the columns of its known char_wb n-grams, for one group.

    A word's n-grams depend on the word alone, and text repeats words, so a cached word costs one probe here instead
    of one per n-gram in the (much larger) ``NgramTable``. Entries have the ``NgramTable`` layout. When ``limit``
    words or the entry space are used up the cache is emptied and refills: a miss costs time, never a column.
    """

    cdef uint64_t* slots
    cdef int32_t* entries
    cdef Py_ssize_t used, capacity, space
    cdef int shift
    cdef uint64_t mask
    cdef readonly Py_ssize_t words, limit, hits, misses, resets

    def __cinit__(self, Py_ssize_t limit=50_000, Py_ssize_t space_per_word=48):
        cdef Py_ssize_t bits = 4
        self.capacity = 16
        while self.capacity < 2 * limit:
            self.capacity *= 2
            bits += 1
        self.shift, self.mask, self.limit = 64 - bits, self.capacity - 1, limit
        self.space = limit * space_per_word
        self.slots = <uint64_t*>calloc(self.capacity, sizeof(uint64_t))
        self.entries = <int32_t*>malloc(self.space * sizeof(int32_t))  # pages are touched only as entries fill it
        if self.slots == NULL or self.entries == NULL:
            raise MemoryError()
        self.used = self.words = self.hits = self.misses = self.resets = 0

    def __dealloc__(self):
        free(self.slots)
        free(self.entries)

    cdef inline void prefetch(self, uint64_t h) noexcept nogil:
        NF_PREFETCH(self.slots + ((h * GOLDEN) >> self.shift))

    cdef void clear(self) noexcept nogil:
        memset(self.slots, 0, self.capacity * sizeof(uint64_t))
        self.used = self.words = 0
        self.resets += 1

    cdef inline const int32_t* find(self, uint64_t h, const uint8_t* key, Py_ssize_t n) noexcept nogil:
        cdef uint64_t tag = h >> 32
        if tag == 0:
            tag = 1
        cdef uint64_t i = (h * GOLDEN) >> self.shift
        cdef uint64_t slot = self.slots[i]
        cdef const int32_t* entry
        while slot != 0:
            if (slot >> 32) == tag:
                entry = self.entries + (slot & 0xFFFFFFFFULL)
                if entry[0] == n and memcmp(entry + HEADER + entry[1], key, n) == 0:
                    self.hits += 1
                    return entry
            i = (i + 1) & self.mask
            slot = self.slots[i]
        self.misses += 1
        return NULL

    cdef void insert(self, uint64_t h, const uint8_t* key, Py_ssize_t n, const int32_t* columns,
                     Py_ssize_t count) noexcept nogil:
        """Keep a word (absent: ``find`` just missed it) with its columns; too large a word is not kept."""
        cdef Py_ssize_t need = HEADER + count + (n + 3) // 4
        if need > self.space // 4:
            return
        if self.words >= self.limit or self.used + need > self.space:
            self.clear()
        cdef int32_t* entry = self.entries + self.used
        entry[0] = <int32_t>n
        entry[1] = <int32_t>count
        memcpy(entry + HEADER, columns, count * sizeof(int32_t))
        entry[HEADER + count + (n + 3) // 4 - 1] = 0  # the key's last word may be partly padding
        memcpy(entry + HEADER + count, key, n)
        cdef uint64_t tag = h >> 32
        if tag == 0:
            tag = 1
        cdef uint64_t i = (h * GOLDEN) >> self.shift
        while self.slots[i] != 0:
            i = (i + 1) & self.mask
        self.slots[i] = (tag << 32) | <uint64_t>self.used
        self.used += need
        self.words += 1


cdef Py_ssize_t encode(Buffers b, str text, bint words) except -1:
    """UTF-8 of ``text`` into ``b.text``, code point offsets into ``b.at``, classes into ``b.word``; the length."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, pos = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef uint32_t c
    b.reserve_text(n)
    for i in range(n):
        c = <uint32_t>PyUnicode_READ(kind, data, i)
        b.at[i] = pos
        pos += utf8(c, b.text + pos)
        b.word[i] = is_word(c) if words else not is_space(c)
    b.at[n] = pos
    return n


cdef Py_ssize_t runs(Buffers b, Py_ssize_t n, Py_ssize_t shortest) noexcept:
    """(start, end) of every maximal run of flagged code points at least ``shortest`` long, into ``b.spans``."""
    cdef Py_ssize_t i = 0, start, count = 0
    while i < n:
        if not b.word[i]:
            i += 1
            continue
        start = i
        while i < n and b.word[i]:
            i += 1
        if i - start >= shortest:
            b.spans[2 * count] = start
            b.spans[2 * count + 1] = i
            count += 1
    return count


cdef int word_grams(Buffers b, Lookup table, str text, Py_ssize_t min_n, Py_ssize_t max_n) except -1:
    """Columns of the known word n-grams of ``text``: tokens of ``(?u)\\b\\w\\w+\\b``, joined by one space."""
    cdef Py_ssize_t n = encode(b, text, True)
    cdef Py_ssize_t tokens = runs(b, n, 2), g, t, i, length, pos, k = 0
    cdef const int32_t* entry
    cdef const uint8_t* key
    cdef uint8_t* gram
    cdef uint64_t h
    cdef uint64_t* hashes = b.reserve_hashes(tokens * (max_n - min_n + 1))
    # First every n-gram's hash (incrementally: token bytes and the joining spaces) and a prefetch of its slot, so
    # that the table's cache misses overlap; then the probes, which compare the bytes.
    for g in range(min_n, max_n + 1):
        for t in range(tokens - g + 1):
            h = FNV_OFFSET
            for i in range(t, t + g):
                if i > t:
                    h = (h ^ 32) * FNV_PRIME
                h = fnv(h, b.text + b.at[b.spans[2 * i]], b.at[b.spans[2 * i + 1]] - b.at[b.spans[2 * i]])
            hashes[k] = h
            table.prefetch(h)
            k += 1
    k = 0
    for g in range(min_n, max_n + 1):
        for t in range(tokens - g + 1):
            if g == 1:
                key = b.text + b.at[b.spans[2 * t]]
                length = b.at[b.spans[2 * t + 1]] - b.at[b.spans[2 * t]]
            else:
                length = b.at[b.spans[2 * (t + g - 1) + 1]] - b.at[b.spans[2 * t]] + g  # an upper bound
                gram = b.reserve_gram(length)
                pos = 0
                for i in range(t, t + g):
                    if i > t:
                        gram[pos] = 32
                        pos += 1
                    memcpy(gram + pos, b.text + b.at[b.spans[2 * i]], b.at[b.spans[2 * i + 1]] - b.at[b.spans[2 * i]])
                    pos += b.at[b.spans[2 * i + 1]] - b.at[b.spans[2 * i]]
                key, length = gram, pos
            table.lookup(b, hashes[k], key, length)
            k += 1
    return 0


cdef int char_wb_grams(Buffers b, Lookup table, WordCache cache, str text, Py_ssize_t min_n,
                       Py_ssize_t max_n) except -1:
    """Columns of the known space-padded character n-grams of every whitespace-separated word of ``text``.

    The n-grams of ``fast_text.char_wb_ngrams``: every (start, length) with ``min_n <= length <= max_n`` inside the
    padded word, or the whole padded word once when it is shorter than ``min_n``.
    """
    cdef Py_ssize_t n = encode(b, text, False)
    cdef Py_ssize_t words = runs(b, n, 1), w, first, last, nbytes, cps, s, e, k
    cdef Py_ssize_t offsets[64]
    cdef Py_ssize_t* off
    cdef uint8_t* gram
    cdef uint64_t h, word_hash
    cdef const int32_t* entry
    cdef Py_ssize_t start
    cdef uint64_t* hashes = b.reserve_hashes(words)
    for w in range(words):  # every padded word's hash, and a prefetch of its cache slot, before the probes
        first, last = b.spans[2 * w], b.spans[2 * w + 1]
        h = fnv((FNV_OFFSET ^ 32) * FNV_PRIME, b.text + b.at[first], b.at[last] - b.at[first])
        hashes[w] = (h ^ 32) * FNV_PRIME
        cache.prefetch(hashes[w])
    for w in range(words):
        first, last = b.spans[2 * w], b.spans[2 * w + 1]
        nbytes = b.at[last] - b.at[first]
        cps = last - first + 2
        gram = b.reserve_gram(nbytes + 2)
        gram[0] = 32
        memcpy(gram + 1, b.text + b.at[first], nbytes)
        gram[nbytes + 1] = 32
        word_hash = hashes[w]
        if cps < min_n:
            table.lookup(b, word_hash, gram, nbytes + 2)
            continue
        entry = cache.find(word_hash, gram, nbytes + 2)
        if entry != NULL:
            b.add(entry)
            continue
        start = b.n_out
        # Byte offset of each padded code point (a word's own are in b.at); long words use the heap.
        if cps + 1 <= 64:
            off = &offsets[0]
        else:
            off = <Py_ssize_t*>malloc(sizeof(Py_ssize_t) * (cps + 1))
            if off == NULL:
                raise MemoryError()
        off[0] = 0
        for k in range(first, last + 1):
            off[k - first + 1] = b.at[k] - b.at[first] + 1
        off[cps] = nbytes + 2
        for s in range(cps - min_n + 1):
            h = fnv(FNV_OFFSET, gram + off[s], off[s + min_n - 1] - off[s])
            for e in range(s + min_n, min(s + max_n, cps) + 1):
                h = fnv(h, gram + off[e - 1], off[e] - off[e - 1])
                table.lookup(b, h, gram + off[s], off[e] - off[s])
        if off != &offsets[0]:
            free(off)
        cache.insert(word_hash, gram, nbytes + 2, b.out + start, b.n_out - start)
    return 0


cdef Py_ssize_t row_scores(const int32_t* ordered, Py_ssize_t n, Py_ssize_t start, const double[:, ::1] packed,
                           const float[::1] tf_table, Py_ssize_t n_members, const double[::1] intercept,
                           double* norms, int32_t* columns, float* values, Py_ssize_t* segment,
                           double[::1] scores) noexcept nogil:
    """``_kernels.packed_row`` (same operations, same order: see its docstring) writing only the decision values.

    ``ordered``: ascending column occurrences. Returns the number of distinct columns, or -1 (nothing written) when
    a column occurs ``len(tf_table)`` times or more: the caller's numpy path computes that ``log(tf) + 1``. Each distinct column's packed row is
    prefetched ``PREFETCH_AHEAD`` columns before it is read, so the cache misses of a document's hundreds of
    scattered rows overlap instead of following one another.
    """
    cdef Py_ssize_t i = 0, j, u = 0, k, column, member, n_out = intercept.shape[0]
    cdef float value, square
    while i < n:  # distinct columns first (runs of equal columns), so their rows can be fetched together
        j = i + 1
        while j < n and ordered[j] == ordered[i]:
            j += 1
        if j - i >= tf_table.shape[0]:
            return -1
        columns[u] = ordered[i] - start
        segment[u] = j - i  # the count, for now
        if u < PREFETCH_AHEAD:
            NF_PREFETCH(&packed[columns[u], 0])
        u += 1
        i = j
    for k in range(n_members):
        norms[k] = 0.0
    for i in range(u):
        if i + PREFETCH_AHEAD < u:
            NF_PREFETCH(&packed[columns[i + PREFETCH_AHEAD], 0])
        column = columns[i]
        value = tf_table[segment[i]] * <float>packed[column, 0]
        member = <Py_ssize_t>packed[column, 1]
        square = value * value
        norms[member] += <double>square
        values[i] = value
        segment[i] = member
    for k in range(n_members):
        norms[k] = sqrt(norms[k])
    for i in range(u):
        value = <float>(<double>values[i] / norms[segment[i]])
        column = columns[i]
        if i == 0:
            for k in range(n_out):
                scores[k] = packed[column, 2 + k] * <double>value
        else:
            for k in range(n_out):
                scores[k] = scores[k] + packed[column, 2 + k] * <double>value
    if u == 0:
        for k in range(n_out):
            scores[k] = 0.0
    for k in range(n_out):
        scores[k] = scores[k] + intercept[k]
    return u


cdef void sort_columns(int32_t* data, int32_t* tmp, Py_ssize_t n, int32_t largest) noexcept nogil:
    """Sort non-negative columns ascending in place: insertion sort when few, else LSD radix sort on 11-bit digits."""
    cdef Py_ssize_t i, j, d
    cdef Py_ssize_t counts[2048]
    cdef int32_t v
    cdef int shift = 0
    cdef int32_t* src = data
    cdef int32_t* dst = tmp
    cdef int32_t* swap
    if n < 64:
        for i in range(1, n):
            v = data[i]
            j = i - 1
            while j >= 0 and data[j] > v:
                data[j + 1] = data[j]
                j -= 1
            data[j + 1] = v
        return
    while shift == 0 or (largest >> shift) > 0:
        memset(counts, 0, sizeof(counts))
        for i in range(n):
            counts[(src[i] >> shift) & 2047] += 1
        j = 0
        for d in range(2048):
            j += counts[d]
            counts[d] = j - counts[d]
        for i in range(n):
            d = (src[i] >> shift) & 2047
            dst[counts[d]] = src[i]
            counts[d] += 1
        swap = src
        src = dst
        dst = swap
        shift += 11
    if src != data:
        memcpy(data, src, n * sizeof(int32_t))


cdef class Analyzer:
    """Several analysis groups (word or char_wb recipe, n-gram range, table) run over one document in one call."""

    cdef list tables, caches
    cdef Py_ssize_t[:, ::1] recipes  # kind, min_n, max_n per group
    cdef Buffers buffers
    cdef int32_t largest

    def __init__(self, list groups, Py_ssize_t cache_limit=50_000):
        """``groups``: (kind, (min_n, max_n), lookup) per group; kind ``WORD`` or ``CHAR_WB``, lookup a ``NgramTable``
        or a ``HashSpace``.

        char_wb groups cache up to ``cache_limit`` words each (``WordCache``).
        """
        for kind, (lo, hi), table in groups:
            if kind not in (WORD, CHAR_WB) or not 1 <= lo <= hi or not isinstance(table, Lookup):
                raise ValueError(f"bad analysis group {(kind, (lo, hi))}")
        self.tables = [table for _, _, table in groups]
        self.caches = [WordCache(cache_limit) if kind == CHAR_WB else None for kind, _, _ in groups]
        self.recipes = np.array([(kind, lo, hi) for kind, (lo, hi), _ in groups], dtype=np.intp).reshape(-1, 3)
        self.largest = max([(<Lookup>t).largest for t in self.tables], default=0)
        self.buffers = Buffers()

    def occurrences(self, list texts):
        """int32 column of every known n-gram occurrence of each group's text (``texts[i]`` for group i), ascending."""
        if len(texts) != len(self.tables):
            raise ValueError("one text per group expected")
        cdef Buffers b = self.acquire()
        cdef int32_t[::1] view
        try:
            self.analyse(b, [[text] for text in texts], 0)
            out = np.empty(b.n_out, dtype=np.int32)
            view = out
            if b.n_out:
                memcpy(&view[0], b.out, sizeof(int32_t) * b.n_out)
            return out
        finally:
            b.busy = False

    cdef Buffers acquire(self):
        """The shared scratch buffers, or fresh ones while they are in use: allocating a Python object can run other
        Python code (the garbage collector's finalisers), and with it another thread that scores too."""
        cdef Buffers b = self.buffers
        if b.busy:
            b = Buffers()
        b.busy = True
        return b

    cdef int analyse(self, Buffers b, list texts, Py_ssize_t d) except -1:
        """Fill ``b.out`` with the sorted column occurrences of document ``d`` (``texts[g][d]`` per group g)."""
        cdef Py_ssize_t g
        b.n_out = 0
        for g in range(len(self.tables)):
            if self.recipes[g, 0] == WORD:
                word_grams(b, <Lookup>self.tables[g], <str>(<list>texts[g])[d], self.recipes[g, 1], self.recipes[g, 2])
            else:
                char_wb_grams(b, <Lookup>self.tables[g], <WordCache>self.caches[g], <str>(<list>texts[g])[d],
                              self.recipes[g, 1], self.recipes[g, 2])
        if b.n_out:
            sort_columns(b.out, b.reserve_tmp(b.n_out), b.n_out, self.largest)
        return 0

    def scores(self, list texts, Py_ssize_t start, const double[:, ::1] packed, const float[::1] tf_table,
               Py_ssize_t n_members, const double[::1] intercept):
        """Decision values of many documents: ``texts[g][d]`` is group g's prepared text of document d.

        Returns the (documents, outputs) float64 array of what ``FastModel._packed_row`` gives per document, and
        the documents left out (a column occurring more often than ``tf_table`` covers: their rows are NaN, for the
        caller's numpy path).
        """
        if len(texts) != len(self.tables) or len({len(t) for t in texts}) > 1:
            raise ValueError("one list of texts per group, all of one length, expected")
        cdef Py_ssize_t n_docs = len(texts[0]) if texts else 0, d, n_out = intercept.shape[0]
        out = np.empty((n_docs, n_out), dtype=np.float64)
        cdef double[:, ::1] view = out
        norms_array = np.empty(max(n_members, 1), dtype=np.float64)
        cdef double[::1] norms = norms_array
        cdef Buffers b = self.acquire()
        left = []
        try:
            for d in range(n_docs):
                self.analyse(b, texts, d)
                b.reserve_row(b.n_out)
                if row_scores(b.out, b.n_out, start, packed, tf_table, n_members, intercept, &norms[0], b.columns,
                              b.values, b.segment, view[d]) < 0:
                    left.append(d)
                    view[d, :] = np.nan
        finally:
            b.busy = False
        return out, left

    def cache_stats(self):
        """(words held, hits, misses, resets) per char_wb group's word cache."""
        return [(c.words, c.hits, c.misses, c.resets) for c in self.caches if c is not None]
