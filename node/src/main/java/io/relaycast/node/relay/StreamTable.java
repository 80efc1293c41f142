package io.relaycast.node.relay;

import java.util.Arrays;

/**
 * Relayed tracks by stream number, for the receive path: an open-addressing table with int keys
 * (no boxing per packet, constant time however many tracks a worker relays). Stream numbers are
 * never 0 and never reused by a worker, so 0 marks an empty slot and a removed key leaves a
 * tombstone that the next rehash clears.
 */
final class StreamTable<T> {
    private static final int TOMBSTONE = -1;
    private int[] keys = new int[16];
    private Object[] values = new Object[16];
    private int used; // live entries plus tombstones

    @SuppressWarnings("unchecked")
    T get(int stream) {
        int mask = keys.length - 1;
        for (int i = mix(stream) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == stream) {
                return (T) values[i];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    void put(int stream, T value) {
        if (stream == 0 || stream == TOMBSTONE) {
            throw new IllegalArgumentException("stream number " + stream + " is reserved");
        }
        if ((used + 1) * 2 > keys.length) {
            rehash();
        }
        int mask = keys.length - 1;
        for (int i = mix(stream) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == stream) {
                values[i] = value;
                return;
            }
            if (keys[i] == 0) {
                keys[i] = stream;
                values[i] = value;
                used++;
                return;
            }
        }
    }

    void remove(int stream) {
        int mask = keys.length - 1;
        for (int i = mix(stream) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == stream) {
                keys[i] = TOMBSTONE;
                values[i] = null;
                return;
            }
            if (keys[i] == 0) {
                return;
            }
        }
    }

    int size() {
        int n = 0;
        for (int k : keys) {
            if (k != 0 && k != TOMBSTONE) {
                n++;
            }
        }
        return n;
    }

    /** Sized for the live entries alone (tombstones dropped): at most a quarter full afterwards. */
    private void rehash() {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        int live = size() + 1;
        int capacity = 16;
        while (live * 4 > capacity) {
            capacity *= 2;
        }
        keys = new int[capacity];
        values = new Object[capacity];
        used = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0 && oldKeys[i] != TOMBSTONE) {
                @SuppressWarnings("unchecked") T v = (T) oldValues[i];
                put(oldKeys[i], v);
            }
        }
        Arrays.fill(oldValues, null);
    }

    private static int mix(int k) {
        int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
