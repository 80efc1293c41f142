package io.relaycast.sdp;

import java.util.Objects;

/**
 * One non-attribute line other than {@code v=}, {@code o=}, {@code s=} and {@code m=}
 * (RFC 8866 §5): {@code i= u= e= p= c= b= t= r= z= k=}, kept exactly as written. The
 * {@code c=}, {@code b=} and {@code t=} lines carry their parsed value.
 */
public final class Field {
    private final char type;
    private final String value;
    private final Object typed;

    private Field(char type, String value, Object typed) {
        this.type = type;
        this.value = value;
        this.typed = typed;
    }

    static Field parse(char type, String value) throws SdpException {
        Object typed = switch (type) {
            case 'c' -> Connection.parse(value);
            case 'b' -> Bandwidth.parse(value);
            case 't' -> Timing.parse(value);
            default -> null;
        };
        return new Field(type, value, typed);
    }

    /** The type letter, e.g. {@code 'c'}. */
    public char type() {
        return type;
    }

    /** The text after {@code <type>=}. */
    public String value() {
        return value;
    }

    Object typed() {
        return typed;
    }

    public String line() {
        return type + "=" + value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Field f && f.type == type && f.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, value);
    }

    @Override
    public String toString() {
        return line();
    }
}
