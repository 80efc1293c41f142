package io.relaycast.testing;

import java.lang.management.ManagementFactory;

/**
 * The "no unbounded allocation" check of the fuzz targets: the heap bytes one input may make
 * the code under test allocate, measured on the calling thread with the JVM's per-thread
 * allocation counter (HotSpot's {@code com.sun.management.ThreadMXBean}).
 *
 * <p>A parser that trusts a length or count field allocates what the field says, not what the
 * datagram holds; that is the bug class this catches long before it becomes an
 * OutOfMemoryError. The budget is a fixed allowance (class initialisation on first use, JIT
 * deoptimisation, the fuzzer's own comparison hooks) plus a multiple of the input's size.
 */
public final class FuzzBudget {
    /** Fixed allowance per input. */
    public static final long BASE_BYTES = 4L << 20;
    /** Allowance per input byte of a binary format: decoding, copies, typed views and a re-encoding. */
    public static final long BYTES_PER_INPUT_BYTE = 256;
    /**
     * Allowance per input byte of a text format (SDP, JSON), which becomes many small objects: the
     * SDP answer target was measured at about 1.1 KB per input byte (parse, validate, build,
     * write and parse again), so this leaves about four times that.
     */
    public static final long TEXT_BYTES_PER_INPUT_BYTE = 4096;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Work under test that may end in the package's own checked exception. */
    @FunctionalInterface
    public interface Body<E extends Exception> {
        void run() throws E;
    }

    private FuzzBudget() {
    }

    /**
     * Runs {@code body} and fails with an {@link AssertionError} when it allocated more than the
     * budget for an input of {@code inputLength} bytes. An input over budget is run a second
     * time before it fails: the first run of a code path also pays for loading, initialising and
     * (under the fuzzer) instrumenting its classes, which a true unbounded allocation repeats and
     * one-time work does not. The body must therefore be repeatable; a body whose second run
     * differs (state kept across inputs) can only miss a finding this way, never invent one.
     * The body's own exception (from the first run) passes through.
     */
    public static <E extends Exception> void run(int inputLength, Body<E> body) throws E {
        run(inputLength, BYTES_PER_INPUT_BYTE, body);
    }

    /** {@link #run(int, Body)} with another allowance per input byte. */
    public static <E extends Exception> void run(int inputLength, long bytesPerInputByte, Body<E> body) throws E {
        long budget = BASE_BYTES + bytesPerInputByte * inputLength;
        Outcome<E> first = measure(body);
        if (first.allocated > budget) {
            Outcome<E> second = measure(body);
            if (second.allocated > budget) {
                throw new AssertionError("allocated " + first.allocated + " then " + second.allocated
                        + " bytes for an input of " + inputLength + " bytes (budget " + budget + ")");
            }
        }
        if (first.failure != null) {
            throw first.failure;
        }
    }

    private record Outcome<E extends Exception>(long allocated, E failure) {
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> Outcome<E> measure(Body<E> body) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        E failure = null;
        try {
            body.run();
        } catch (RuntimeException e) {
            // Unchecked exceptions are findings: let them out as they are.
            throw e;
        } catch (Exception e) {
            // The only checked exception body.run() can throw is its E.
            failure = (E) e;
        }
        return new Outcome<>(THREADS.getCurrentThreadAllocatedBytes() - before, failure);
    }
}
