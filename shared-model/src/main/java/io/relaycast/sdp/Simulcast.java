package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code a=simulcast:send <streams> [recv <streams>]} (either order; RFC 8853 §5.1), e.g.
 * {@code a=simulcast:send q;h;f}; {@code ;} separates simulcast streams, {@code ,} alternatives
 * of one stream and {@code ~} marks a rid paused.
 *
 * @param send the streams the writer sends (empty when there is no {@code send} part)
 * @param recv the streams the writer receives (empty when there is no {@code recv} part)
 */
public record Simulcast(List<SimulcastStream> send, List<SimulcastStream> recv) {
    public static final String ATTRIBUTE = "simulcast";

    public Simulcast {
        send = List.copyOf(send);
        recv = List.copyOf(recv);
        Syntax.require(!send.isEmpty() || !recv.isEmpty(), "a=simulcast needs a send or a recv part");
    }

    /** {@code send <rid>;<rid>;...}, one unpaused rid per stream. */
    public static Simulcast send(List<String> rids) {
        return new Simulcast(streams(rids), List.of());
    }

    /** {@code recv <rid>;<rid>;...}, one unpaused rid per stream: what an SFU answers to a send offer. */
    public static Simulcast recv(List<String> rids) {
        return new Simulcast(List.of(), streams(rids));
    }

    private static List<SimulcastStream> streams(List<String> rids) {
        List<SimulcastStream> out = new ArrayList<>();
        for (String r : rids) {
            out.add(SimulcastStream.of(r));
        }
        return out;
    }

    /** The same streams with send and recv swapped: the answer to an offer (RFC 8853 §5.3). */
    public Simulcast reversed() {
        return new Simulcast(recv, send);
    }

    /** Every rid of the send part, alternatives included, in order. */
    public List<String> sendRids() {
        return rids(send);
    }

    /** Every rid of the recv part, alternatives included, in order. */
    public List<String> recvRids() {
        return rids(recv);
    }

    private static List<String> rids(List<SimulcastStream> streams) {
        List<String> out = new ArrayList<>();
        for (SimulcastStream s : streams) {
            for (SimulcastRid r : s.alternatives()) {
                out.add(r.rid());
            }
        }
        return out;
    }

    static Simulcast parse(String s) throws SdpException {
        List<String> f = Syntax.fields(s, "a=simulcast");
        if (f.size() != 2 && f.size() != 4) {
            throw new SdpException("a=simulcast must be 'send|recv <list> [recv|send <list>]', got '" + s + "'");
        }
        List<SimulcastStream> send = null;
        List<SimulcastStream> recv = null;
        for (int i = 0; i < f.size(); i += 2) {
            String dir = f.get(i);
            List<SimulcastStream> list = parseList(f.get(i + 1));
            if (dir.equals("send") && send == null) {
                send = list;
            } else if (dir.equals("recv") && recv == null) {
                recv = list;
            } else {
                throw new SdpException("a=simulcast direction must be one 'send' and/or one 'recv', got '" + dir + "'");
            }
        }
        List<SimulcastStream> sendList = send == null ? List.of() : send;
        List<SimulcastStream> recvList = recv == null ? List.of() : recv;
        return Syntax.construct(() -> new Simulcast(sendList, recvList));
    }

    private static List<SimulcastStream> parseList(String list) throws SdpException {
        List<SimulcastStream> out = new ArrayList<>();
        for (String alt : Syntax.split(list, ';')) {
            List<SimulcastRid> rids = new ArrayList<>();
            for (String id : Syntax.split(alt, ',')) {
                boolean paused = id.startsWith("~");
                String rid = paused ? id.substring(1) : id;
                if (!Rid.isRidId(rid)) {
                    throw new SdpException("a=simulcast rid-id must be 1*(ALPHA / DIGIT / '-' / '_'), got '" + id + "'");
                }
                rids.add(new SimulcastRid(rid, paused));
            }
            out.add(new SimulcastStream(rids));
        }
        return out;
    }

    public String format() {
        StringBuilder sb = new StringBuilder();
        if (!send.isEmpty()) {
            sb.append("send ").append(formatList(send));
        }
        if (!recv.isEmpty()) {
            sb.append(sb.length() > 0 ? " " : "").append("recv ").append(formatList(recv));
        }
        return sb.toString();
    }

    private static String formatList(List<SimulcastStream> streams) {
        StringBuilder sb = new StringBuilder();
        for (SimulcastStream st : streams) {
            sb.append(sb.length() > 0 ? ";" : "").append(st.format());
        }
        return sb.toString();
    }
}
