package io.relaycast.node.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The simulation plans run by {@link SimulationTest}; each reads as what happens in the room. */
final class Scenarios {
    private Scenarios() {
    }

    static final List<Scenario> ALL = List.of(
            new Scenario("two publishers on one node", 1, s -> {
                s.publisher(0, "r");
                s.run(ms(s, 0, 500));
                s.publisher(0, "r");
                s.run(3000);
            }),
            new Scenario("a room split over two nodes", 2, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.run(ms(s, 0, 300));
                s.listener(any(s), "r");
                s.run(3000);
            }),
            new Scenario("three nodes, a publisher on each", 3, s -> {
                for (int i = 0; i < 3; i++) {
                    s.publisher(i, "r");
                    s.run(ms(s, 0, 400));
                }
                s.run(3000);
            }),
            new Scenario("leave and rejoin", 2, s -> {
                SimClient a = s.publisher(0, "r");
                s.publisher(1, "r");
                s.run(ms(s, 500, 3000));
                s.leave(a);
                s.run(ms(s, 0, 1000));
                s.publisher(any(s), "r");
                s.run(3000);
            }),
            new Scenario("a client process dies", 2, s -> {
                SimClient a = s.publisher(0, "r");
                s.publisher(1, "r");
                s.listener(1, "r");
                s.run(ms(s, 500, 3000));
                s.vanish(a);
                s.run(3000);
            }),
            new Scenario("a client's network path breaks", 2, s -> {
                SimClient a = s.publisher(any(s), "r");
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.run(ms(s, 500, 3000));
                s.cutOff(a);
                s.run(12_000);
            }),
            new Scenario("a node crashes", 3, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.publisher(2, "r");
                s.listener(2, "r");
                s.run(ms(s, 1000, 3000));
                s.crash(2);
                s.run(8000);
            }),
            new Scenario("a node crashes during a renegotiation", 2, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.listener(0, "r");
                s.run(ms(s, 1000, 2000));
                // A new publisher makes the node offer its tracks to everyone; the other node
                // dies while those offers are in flight.
                s.publisher(0, "r");
                s.run(ms(s, 0, 60));
                s.crash(1);
                s.run(8000);
            }),
            new Scenario("a subscriber with 20% loss", 2, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                SimClient sub = s.listener(any(s), "r");
                // Loss from the start only makes the DTLS handshake slow (RFC 6347 backoff doubles
                // from 1 s); what matters here is media and signaling under loss once connected.
                s.run(ms(s, 300, 1500));
                s.impair(sub, 0.20, 20, 10);
                s.run(6000);
            }),
            new Scenario("a publisher with loss and jitter", 2, s -> {
                SimClient pub = s.publisher(any(s), "r");
                s.listener(0, "r");
                s.listener(1, "r");
                s.run(ms(s, 300, 1500));
                s.impair(pub, 0.10, 30, 40);
                s.run(6000);
            }),
            new Scenario("50 joins in one second", 2, s -> {
                Random r = s.sim.random();
                for (int i = 0; i < 50; i++) {
                    s.join(r.nextInt(2), "r", i < 6);
                    s.run(20);
                }
                s.run(4000);
            }),
            new Scenario("a slow subscriber", 2, s -> {
                s.publisher(0, "r");
                SimClient slow = s.listener(1, "r");
                s.limitDownlink(slow, 160_000);
                s.run(6000);
            }),
            new Scenario("duplicated datagrams", 2, s -> {
                s.duplicateEverything(0.05);
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.run(4000);
            }),
            new Scenario("leave before the welcome", 2, s -> {
                s.publisher(0, "r");
                s.run(500);
                SimClient quick = s.publisher(any(s), "r");
                s.run(ms(s, 0, 30));
                s.leave(quick);
                s.publisher(any(s), "r");
                s.run(3000);
            }),
            new Scenario("many rooms over three nodes", 3, s -> {
                Random r = s.sim.random();
                for (int i = 0; i < 12; i++) {
                    s.join(r.nextInt(3), "room" + (i % 4), r.nextBoolean());
                    s.run(ms(s, 0, 100));
                }
                s.run(3000);
            }),
            new Scenario("churn", 2, s -> {
                Random r = s.sim.random();
                List<SimClient> in = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    if (in.size() > 2 && r.nextInt(3) == 0) {
                        SimClient c = in.remove(r.nextInt(in.size()));
                        if (r.nextBoolean()) {
                            s.leave(c);
                        } else {
                            s.vanish(c);
                        }
                    } else {
                        in.add(s.join(r.nextInt(2), "r", r.nextInt(3) == 0));
                    }
                    s.run(ms(s, 0, 200));
                }
                s.run(3000);
            }),
            new Scenario("clients of a crashed node rejoin elsewhere", 3, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.publisher(1, "r");
                s.run(ms(s, 1000, 2000));
                s.crash(1);
                s.run(ms(s, 500, 3000));
                s.publisher(2, "r");
                s.publisher(0, "r");
                s.run(6000);
            }),
            new Scenario("everyone leaves at once", 2, s -> {
                List<SimClient> all = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    all.add(s.publisher(i % 2, "r"));
                }
                s.run(ms(s, 1000, 2000));
                for (SimClient c : all) {
                    s.leave(c);
                }
                s.run(2000);
                s.publisher(any(s), "r");
                s.run(2000);
            }),
            new Scenario("jitter on every client", 2, s -> {
                List<SimClient> all = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    all.add(s.join(i % 2, "r", i < 3));
                }
                s.run(ms(s, 300, 1500));
                for (SimClient c : all) {
                    s.impair(c, 0.02, 40, 60);
                }
                s.run(6000);
            }),
            new Scenario("glare: a client offers while the node's offer is out", 2, s -> {
                SimClient a = s.publisher(0, "r");
                s.publisher(1, "r");
                s.run(ms(s, 800, 1500));
                // A new publisher makes the node offer its tracks to a; a offers at about the same time.
                s.publisher(any(s), "r");
                s.run(ms(s, 0, 40));
                s.renegotiate(a);
                s.run(ms(s, 0, 40));
                s.renegotiate(a);
                s.run(4000);
            }),
            new Scenario("a 20 s partition between two nodes, then the heal", 2, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.listener(any(s), "r");
                s.run(ms(s, 1000, 2000));
                s.split(1);
                s.run(20_000);
                s.heal();
                s.run(12_000);
            }),
            new Scenario("one of three nodes split off, joins meanwhile, then the heal", 3, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.publisher(2, "r");
                s.run(ms(s, 1000, 2000));
                s.split(2);
                s.run(ms(s, 6000, 10_000));
                s.publisher(2, "r");
                s.publisher(0, "r");
                s.run(ms(s, 2000, 8000));
                s.heal();
                s.run(12_000);
            }),
            new Scenario("a partition shorter than failure detection", 2, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                s.run(ms(s, 1000, 2000));
                s.split(0);
                s.run(ms(s, 100, 900));
                s.heal();
                s.run(12_000);
            }),
            new Scenario("a node crashes and restarts, its clients come back", 2, s -> {
                s.publisher(0, "r");
                SimClient a = s.publisher(1, "r");
                s.listener(1, "r");
                s.run(ms(s, 1000, 2000));
                s.crash(1);
                s.run(ms(s, 500, 6000));
                s.restart(1);
                s.run(ms(s, 100, 1500));
                s.publisher(1, "r");
                s.listener(1, "r");
                s.run(6000);
            }),
            new Scenario("a hostile client among others", 2, s -> {
                s.publisher(0, "r");
                s.publisher(1, "r");
                SimClient h = s.publisher(any(s), "r");
                h.hostile = true;
                s.run(ms(s, 800, 1500));
                Random r = s.sim.random();
                String[] frames = {"{", "[]", "null", "{\"type\":42}", "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\nm=\"}",
                        "{\"type\":\"answer\",\"sdp\":\"\"}", "{\"type\":\"join\",\"roomId\":\"other\"}",
                        "{\"type\":\"setPreferences\",\"trackId\":\"x\",\"maxHeight\":-5}",
                        "{\"type\":\"iceCandidate\",\"candidate\":{\"candidate\":\"candidate:x 1 udp\"}}",
                        "{\"type\":\"unknownThing\"}"};
                for (int i = 0; i < 30; i++) {
                    h.sendRawText(frames[r.nextInt(frames.length)]);
                    byte[] d = new byte[1 + r.nextInt(300)];
                    r.nextBytes(d);
                    // First bytes in each RFC 7983 range: STUN, DTLS, RTP/RTCP, and none.
                    d[0] = (byte) new int[]{0, 1, 22, 23, 128, 144, 200, 70}[r.nextInt(8)];
                    h.sendRawDatagram(d);
                    s.run(ms(s, 0, 60));
                }
                s.run(1000);
                s.vanish(h);
                s.run(3000);
            }),
            new Scenario("a subscriber pauses and resumes remote tracks", 2, s -> {
                SimClient a = s.publisher(0, "r");
                SimClient b = s.publisher(1, "r");
                SimClient sub = s.listener(any(s), "r");
                s.run(ms(s, 2000, 3000));
                s.pause(sub, a, "video", true);
                s.pause(sub, b, "video", true);
                s.run(ms(s, 0, 2000));
                s.pause(sub, b, "video", false);
                s.pause(sub, a, "audio", true);
                s.run(ms(s, 0, 500));
                s.pause(sub, a, "audio", false);
                s.run(3000);
            }),
            new Scenario("clients arrive while the nodes start", 3, 10, s -> {
                // Relay consumers are not yet known on every node (Vert.x spreads registrations
                // asynchronously): the first subscriptions between nodes may be lost.
                for (int i = 0; i < 3; i++) {
                    s.publisher(i, "r");
                }
                s.listener(any(s), "r");
                s.run(4000);
            }),
            new Scenario("a node crashes while clients join", 3, s -> {
                s.publisher(0, "r");
                s.publisher(2, "r");
                s.run(1000);
                Random r = s.sim.random();
                for (int i = 0; i < 8; i++) {
                    s.join(r.nextInt(3), "r", r.nextBoolean());
                    s.run(ms(s, 0, 80));
                    if (i == 3) {
                        s.crash(1);
                    }
                }
                s.run(8000);
            }),
            // Rooms spread over media workers (issue 14): two workers per node, a room grows onto
            // the second from two local peers on, and its parts reach each other by the relay.
            new Scenario("a room spreads over two workers of one node", 1, 2, 1000, s -> {
                Random r = s.sim.random();
                List<SimClient> in = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    in.add(s.join(0, "r", i != 2));
                    s.run(ms(s, 0, 400));
                }
                // Past the parts' re-reads after opening: from here only room events tell each
                // part what happens in the other.
                s.run(ms(s, 4500, 6000));
                s.leave(in.remove(r.nextInt(in.size())));
                s.run(ms(s, 0, 1000));
                s.publisher(0, "r");
                s.run(ms(s, 0, 500));
                s.leave(in.remove(r.nextInt(in.size())));
                s.run(4000);
                s.expectSpread();
            }),
            new Scenario("a spread room over two nodes", 2, 2, 1000, s -> {
                Random r = s.sim.random();
                List<SimClient> in = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    in.add(s.join(r.nextInt(2), "r", i % 4 != 3));
                    s.run(ms(s, 0, 150));
                }
                s.run(ms(s, 4500, 6000));
                s.leave(in.remove(r.nextInt(in.size())));
                s.publisher(r.nextInt(2), "r");
                s.run(4000);
                s.expectSpread();
            }),
            new Scenario("a join burst into a spread room", 1, 2, 1000, s -> {
                s.publisher(0, "r");
                s.run(1000);
                for (int i = 0; i < 12; i++) {
                    s.join(0, "r", i < 2);
                    s.run(ms(s, 0, 80));
                }
                s.run(4000);
                s.expectSpread();
            }),
            new Scenario("a node of a spread room crashes, another part empties", 2, 2, 1000, s -> {
                List<SimClient> first = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    first.add(s.publisher(0, "r"));
                    s.publisher(1, "r");
                    s.run(ms(s, 0, 200));
                }
                s.run(ms(s, 1000, 2000));
                s.crash(1);
                // The first two joined the first worker's part; the others are on the second.
                s.leave(first.get(0));
                s.leave(first.get(1));
                s.run(8000);
                s.expectSpread();
            }));

    /** A random pause in [min, max] milliseconds, from the seed. */
    static long ms(Simulation s, long min, long max) {
        return min + (long) (s.sim.random().nextDouble() * (max - min));
    }

    /** A random live node. */
    static int any(Simulation s) {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < s.nodes.size(); i++) {
            if (!s.nodes.get(i).isDead()) {
                live.add(i);
            }
        }
        return live.get(s.sim.random().nextInt(live.size()));
    }
}
