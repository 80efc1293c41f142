package io.relaycast.sdp;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@code a=<name>[:<value>]} line (RFC 8866 §5.13), kept exactly as written so that a
 * description writes back byte for byte, including attributes this package does not model.
 *
 * <p>Attributes this package knows (see {@link KnownAttributes}) are checked against their
 * grammar when the attribute is created and carry their typed value, which the typed accessors
 * of {@link SessionDescription} and {@link MediaDescription} read; a malformed known attribute
 * can therefore never be part of a description.
 */
public final class Attribute {
    private final String name;
    private final String value;
    private final Object typed;

    private Attribute(String name, String value, Object typed) {
        this.name = name;
        this.value = value;
        this.typed = typed;
    }

    /**
     * An attribute with a value ({@code a=name:value}); a known attribute's value is checked
     * and parsed. Use {@link #flag} for a property attribute.
     */
    public static Attribute of(String name, String value) throws SdpException {
        Objects.requireNonNull(value, "value");
        checkName(name);
        if (!Syntax.isByteString(value)) {
            throw new SdpException("a=" + name + " value contains NUL, CR or LF");
        }
        return new Attribute(name, value, KnownAttributes.parseValue(name, value));
    }

    /** A property attribute without a value ({@code a=rtcp-mux}, {@code a=sendonly}, ...). */
    public static Attribute flag(String name) throws SdpException {
        checkName(name);
        KnownAttributes.checkFlag(name);
        return new Attribute(name, null, null);
    }

    /**
     * Parses the text after {@code a=} of a line the parser has already checked for NUL, CR and
     * LF: the name runs to the first colon (RFC 8866 §5.13).
     */
    static Attribute parseChecked(String text) throws SdpException {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return flag(text);
        }
        String name = text.substring(0, colon);
        String value = text.substring(colon + 1);
        checkName(name);
        return new Attribute(name, value, KnownAttributes.parseValue(name, value));
    }

    /** For typed builder calls: the value was formatted from {@code typed}, which is already valid. */
    static Attribute typed(String name, String value, Object typed) {
        return new Attribute(name, value, typed);
    }

    private static void checkName(String name) throws SdpException {
        if (!Syntax.isToken(name)) {
            throw new SdpException("attribute name must be a token, got '" + name + "'");
        }
    }

    public String name() {
        return name;
    }

    /** The value after the colon, or null for a property attribute. */
    public String value() {
        return value;
    }

    public Optional<String> valueIfGiven() {
        return Optional.ofNullable(value);
    }

    public boolean isFlag() {
        return value == null;
    }

    /** The typed value of a known attribute, or null. */
    Object typed() {
        return typed;
    }

    /** The line without its CRLF: {@code a=name} or {@code a=name:value}. */
    public String line() {
        return value == null ? "a=" + name : "a=" + name + ':' + value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attribute a && a.name.equals(name) && Objects.equals(a.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return line();
    }
}
