package io.relaycast.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded hostile-input generator shared by every protocol package's robustness test.
 *
 * <p>Each input is derived from a corpus of valid messages by one of several mutations
 * (random bytes, truncation, bit flips, boundary values, length-field corruption, insertion,
 * deletion, splicing) so that most inputs get past the first sanity checks and reach the deep
 * parsing code. The parser under test must either accept an input or throw the package's own
 * checked exception; any other throwable fails the test with the seed and input index needed
 * to reproduce it alone ({@link #reproduce}).
 */
public final class HostileInputs {

    /** A parser under test: returns normally on accept, throws on reject. */
    @FunctionalInterface
    public interface Parser {
        void parse(byte[] input) throws Exception;
    }

    /** Counts of what the parser did with the inputs. */
    public record Outcome(int accepted, int rejected) {
    }

    private static final int[] BOUNDARY_BYTES = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};

    private HostileInputs() {
    }

    /**
     * Feeds {@code count} inputs derived from {@code corpus} with {@code seed}; every input must
     * be accepted or rejected with {@code allowed} (or a subclass).
     */
    public static Outcome check(long seed, int count, List<byte[]> corpus,
                                Class<? extends Exception> allowed, Parser parser) {
        Random random = new Random(seed);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < count; i++) {
            byte[] input = mutate(random, corpus);
            try {
                parser.parse(input);
                accepted++;
            } catch (Exception e) {
                if (!allowed.isInstance(e)) {
                    throw failure(seed, i, input, e);
                }
                rejected++;
            } catch (Throwable t) {
                throw failure(seed, i, input, t);
            }
        }
        return new Outcome(accepted, rejected);
    }

    /** Text variant (SDP, JSON): inputs are decoded as UTF-8 before parsing. */
    public static Outcome checkText(long seed, int count, List<String> corpus,
                                    Class<? extends Exception> allowed, TextParser parser) {
        List<byte[]> bytes = new ArrayList<>();
        for (String s : corpus) {
            bytes.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return check(seed, count, bytes, allowed,
                input -> parser.parse(new String(input, StandardCharsets.UTF_8)));
    }

    /** A text parser under test. */
    @FunctionalInterface
    public interface TextParser {
        void parse(String input) throws Exception;
    }

    /** Rebuilds input number {@code index} of a run, to debug one failure alone. */
    public static byte[] reproduce(long seed, int index, List<byte[]> corpus) {
        Random random = new Random(seed);
        byte[] input = null;
        for (int i = 0; i <= index; i++) {
            input = mutate(random, corpus);
        }
        return input;
    }

    private static AssertionError failure(long seed, int index, byte[] input, Throwable t) {
        String hex = TestVectors.toHex(input, 0, Math.min(input.length, 256));
        return new AssertionError("unexpected " + t.getClass().getName() + " for seed " + seed
                + " input #" + index + " (" + input.length + " bytes, reproduce with HostileInputs.reproduce): "
                + hex, t);
    }

    static byte[] mutate(Random random, List<byte[]> corpus) {
        byte[] base = corpus.get(random.nextInt(corpus.size()));
        int kind = random.nextInt(9);
        switch (kind) {
            case 0: { // pure noise, sometimes tiny
                byte[] out = new byte[random.nextInt(random.nextBoolean() ? 32 : 1500)];
                random.nextBytes(out);
                return out;
            }
            case 1: // truncation
                return Arrays.copyOf(base, base.length == 0 ? 0 : random.nextInt(base.length));
            case 2: { // bit flips
                byte[] out = base.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips && out.length > 0; f++) {
                    int pos = random.nextInt(out.length);
                    out[pos] ^= (byte) (1 << random.nextInt(8));
                }
                return out;
            }
            case 3: { // boundary values
                byte[] out = base.clone();
                int n = 1 + random.nextInt(4);
                for (int f = 0; f < n && out.length > 0; f++) {
                    out[random.nextInt(out.length)] = (byte) BOUNDARY_BYTES[random.nextInt(BOUNDARY_BYTES.length)];
                }
                return out;
            }
            case 4: { // a 16-bit field (lengths, counts) overwritten
                byte[] out = base.clone();
                if (out.length >= 2) {
                    int pos = random.nextInt(out.length - 1);
                    int v = random.nextBoolean() ? random.nextInt(65536) : (random.nextBoolean() ? 0xffff : 0);
                    out[pos] = (byte) (v >>> 8);
                    out[pos + 1] = (byte) v;
                }
                return out;
            }
            case 5: { // insertion
                int pos = base.length == 0 ? 0 : random.nextInt(base.length + 1);
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                byte[] out = new byte[base.length + extra.length];
                System.arraycopy(base, 0, out, 0, pos);
                System.arraycopy(extra, 0, out, pos, extra.length);
                System.arraycopy(base, pos, out, pos + extra.length, base.length - pos);
                return out;
            }
            case 6: { // deletion
                if (base.length < 2) {
                    return base.clone();
                }
                int pos = random.nextInt(base.length);
                int n = 1 + random.nextInt(Math.min(16, base.length - pos));
                byte[] out = new byte[base.length - n];
                System.arraycopy(base, 0, out, 0, pos);
                System.arraycopy(base, pos + n, out, pos, base.length - pos - n);
                return out;
            }
            case 7: { // splice two corpus entries
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int a = base.length == 0 ? 0 : random.nextInt(base.length);
                int b = other.length == 0 ? 0 : random.nextInt(other.length);
                byte[] out = new byte[a + other.length - b];
                System.arraycopy(base, 0, out, 0, a);
                System.arraycopy(other, b, out, a, other.length - b);
                return out;
            }
            default: { // unchanged or duplicated tail (parsers must accept valid input too)
                if (random.nextBoolean()) {
                    return base.clone();
                }
                byte[] out = Arrays.copyOf(base, base.length * 2);
                System.arraycopy(base, 0, out, base.length, base.length);
                return out;
            }
        }
    }
}
