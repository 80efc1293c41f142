package io.relaycast.node.media;

import java.util.Arrays;

/**
 * A tiny SSRC → value table for the packet path: a peer has a handful of SSRCs, so a linear scan
 * over a primitive array beats a hash map and never boxes an int per packet.
 */
public final class SsrcTable<T> {
    private int[] keys = new int[8];
    private Object[] values = new Object[8];
    private int size;

    @SuppressWarnings("unchecked")
    public T get(int ssrc) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == ssrc) {
                return (T) values[i];
            }
        }
        return null;
    }

    public void put(int ssrc, T value) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == ssrc) {
                values[i] = value;
                return;
            }
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = ssrc;
        values[size] = value;
        size++;
    }

    /** Removes every entry whose value is {@code value}. */
    public void removeValue(T value) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (values[r] != value) {
                keys[w] = keys[r];
                values[w] = values[r];
                w++;
            }
        }
        for (int i = w; i < size; i++) {
            values[i] = null;
        }
        size = w;
    }

    public int size() {
        return size;
    }
}
