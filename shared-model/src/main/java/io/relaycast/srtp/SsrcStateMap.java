package io.relaycast.srtp;

import java.util.Arrays;

/**
 * An int-keyed open-addressing hash map from SSRC to {@link SsrcState}, sized once for a fixed
 * maximum number of entries so lookups neither box the key nor ever rehash.
 *
 * <p>Linear probing with backward-shift deletion; the table is kept at most half full.
 */
final class SsrcStateMap {
    private final int[] keys;
    private final SsrcState[] values;
    private final int mask;
    private final int shift;
    private final int limit;
    private int size;

    SsrcStateMap(int limit) {
        if (limit < 1 || limit > (1 << 24)) {
            throw new IllegalArgumentException("SSRC limit out of range: " + limit);
        }
        int capacity = Integer.highestOneBit(limit * 2 - 1) << 1;
        keys = new int[capacity];
        values = new SsrcState[capacity];
        mask = capacity - 1;
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
        this.limit = limit;
    }

    private int slot(int ssrc) {
        // Fibonacci hashing: the top bits of the product depend on every bit of the SSRC.
        return (ssrc * 0x9E3779B9) >>> shift;
    }

    SsrcState get(int ssrc) {
        for (int i = slot(ssrc); ; i = (i + 1) & mask) {
            SsrcState v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == ssrc) {
                return v;
            }
        }
    }

    boolean full() {
        return size >= limit;
    }

    /** Adds a fresh state for an SSRC that is absent; the caller has checked {@link #full()}. */
    SsrcState create(int ssrc) {
        if (full()) {
            throw new IllegalStateException("SSRC map full");
        }
        int i = slot(ssrc);
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        SsrcState state = new SsrcState();
        keys[i] = ssrc;
        values[i] = state;
        size++;
        return state;
    }

    boolean remove(int ssrc) {
        int i = slot(ssrc);
        while (values[i] != null && keys[i] != ssrc) {
            i = (i + 1) & mask;
        }
        if (values[i] == null) {
            return false;
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole so every
        // remaining key stays reachable from its home slot without tombstones.
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        keys[hole] = 0;
        size--;
        return true;
    }

    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(values, null);
        Arrays.fill(keys, 0);
        size = 0;
    }
}
