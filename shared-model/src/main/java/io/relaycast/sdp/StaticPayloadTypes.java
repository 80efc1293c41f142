package io.relaycast.sdp;

/**
 * The static RTP payload types of RFC 3551 §6 (Tables 4 and 5), which an m-line may list without
 * an {@code a=rtpmap} (RFC 8866 §6.6). Browsers write rtpmap lines for them anyway.
 */
final class StaticPayloadTypes {
    private StaticPayloadTypes() {
    }

    /** The implied rtpmap of a static payload type, or null for a dynamic or unassigned one. */
    static Rtpmap lookup(int pt) {
        return switch (pt) {
            case 0 -> new Rtpmap(0, "PCMU", 8000, 0);
            case 3 -> new Rtpmap(3, "GSM", 8000, 0);
            case 4 -> new Rtpmap(4, "G723", 8000, 0);
            case 5 -> new Rtpmap(5, "DVI4", 8000, 0);
            case 6 -> new Rtpmap(6, "DVI4", 16000, 0);
            case 7 -> new Rtpmap(7, "LPC", 8000, 0);
            case 8 -> new Rtpmap(8, "PCMA", 8000, 0);
            case 9 -> new Rtpmap(9, "G722", 8000, 0);
            case 10 -> new Rtpmap(10, "L16", 44100, 2);
            case 11 -> new Rtpmap(11, "L16", 44100, 0);
            case 12 -> new Rtpmap(12, "QCELP", 8000, 0);
            case 13 -> new Rtpmap(13, "CN", 8000, 0);
            case 14 -> new Rtpmap(14, "MPA", 90000, 0);
            case 15 -> new Rtpmap(15, "G728", 8000, 0);
            case 16 -> new Rtpmap(16, "DVI4", 11025, 0);
            case 17 -> new Rtpmap(17, "DVI4", 22050, 0);
            case 18 -> new Rtpmap(18, "G729", 8000, 0);
            case 25 -> new Rtpmap(25, "CelB", 90000, 0);
            case 26 -> new Rtpmap(26, "JPEG", 90000, 0);
            case 28 -> new Rtpmap(28, "nv", 90000, 0);
            case 31 -> new Rtpmap(31, "H261", 90000, 0);
            case 32 -> new Rtpmap(32, "MPV", 90000, 0);
            case 33 -> new Rtpmap(33, "MP2T", 90000, 0);
            case 34 -> new Rtpmap(34, "H263", 90000, 0);
            default -> null;
        };
    }
}
