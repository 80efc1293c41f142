package io.relaycast.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A self-contained HTML report: headline tables and inline SVG line charts; no scripts, no external assets. */
final class HtmlReport {
    private static final int W = 720;
    private static final int H = 220;
    private static final int PAD = 46;

    private HtmlReport() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> tree, String headlineJson, String qualityJson) {
        List<Map<String, Object>> series = (List<Map<String, Object>>) tree.get("timeseries");
        Map<String, Object> scenario = (Map<String, Object>) tree.get("scenario");
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Relaycast load report</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:800px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}svg{background:#fafafa;margin:8px 0}")
                .append("pre{background:#f4f4f4;padding:8px;overflow:auto}</style></head><body>");
        h.append("<h1>Relaycast load report</h1>");
        Map<String, Object> harness = (Map<String, Object>) tree.get("harness");
        if (harness != null) {
            List<String> warnings = (List<String>) harness.get("warnings");
            if (warnings.isEmpty()) {
                h.append("<p>Harness: no socket drops, CPU under its limit.</p>");
            } else {
                h.append("<div style=\"border:2px solid #c0392b;padding:8px;background:#fdecea\"><strong>The harness may have limited this run:</strong><ul>");
                for (String w : warnings) {
                    h.append("<li>").append(esc(w)).append("</li>");
                }
                h.append("</ul></div>");
            }
            List<String> setup = (List<String>) harness.get("setupWarnings");
            if (setup != null && !setup.isEmpty()) {
                h.append("<div style=\"border:2px solid #d68910;padding:8px;background:#fef5e7\"><strong>The harness was saturated while clients joined:</strong><ul>");
                for (String w : setup) {
                    h.append("<li>").append(esc(w)).append("</li>");
                }
                h.append("</ul></div>");
            }
        }
        table(h, "Scenario", scenario);
        table(h, "Headline", (Map<String, Object>) tree.get("headline"));
        if (harness != null) {
            Map<String, Object> shown = new java.util.LinkedHashMap<>(harness);
            shown.remove("warnings");
            shown.remove("setupWarnings");
            table(h, "Harness", shown);
        }
        Map<String, Object> quality = new java.util.LinkedHashMap<>((Map<String, Object>) tree.get("quality"));
        Object errors = quality.remove("errors");
        table(h, "Quality", quality);
        h.append("<h2>Errors</h2><pre>").append(esc(String.valueOf(errors))).append("</pre>");
        chart(h, "Loss per second (%)", series, new String[] {"lossPercent"}, new String[] {"#c0392b"});
        chart(h, "One-way latency (ms)", series, new String[] {"latencyP50Ms", "latencyP99Ms"}, new String[] {"#2980b9", "#8e44ad"});
        chart(h, "Server CPU (% of one core)", series, new String[] {"serverCpuPercent"}, new String[] {"#27ae60"});
        h.append("<p>Full data: result.json next to this file.</p></body></html>");
        return h.toString();
    }

    private static void table(StringBuilder h, String title, Map<String, Object> m) {
        h.append("<h2>").append(esc(title)).append("</h2><table>");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(String.valueOf(e.getValue())))
                    .append("</td></tr>");
        }
        h.append("</table>");
    }

    private static void chart(StringBuilder h, String title, List<Map<String, Object>> series, String[] keys, String[] colors) {
        h.append("<h2>").append(esc(title)).append("</h2>");
        double tMax = 1;
        double yMax = 0;
        for (Map<String, Object> s : series) {
            tMax = Math.max(tMax, num(s.get("t")));
            for (String k : keys) {
                yMax = Math.max(yMax, num(s.get(k)));
            }
        }
        if (yMax <= 0) {
            yMax = 1;
        }
        yMax *= 1.1;
        h.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">", W, H));
        int x0 = PAD;
        int y0 = H - 24;
        int pw = W - PAD - 10;
        int ph = H - 34;
        h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", x0, y0, x0 + pw, y0));
        h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", x0, y0, x0, y0 - ph));
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            int y = (int) (y0 - ph * i / 4.0);
            h.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\" font-size=\"10\">%.3g</text>", y + 3, v));
            h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>", x0, y, x0 + pw, y));
            double t = tMax * i / 4;
            int x = (int) (x0 + pw * i / 4.0);
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%.0fs</text>", x - 8, H - 8, t));
        }
        for (int k = 0; k < keys.length; k++) {
            StringBuilder pts = new StringBuilder();
            for (Map<String, Object> s : series) {
                double x = x0 + pw * num(s.get("t")) / tMax;
                double y = y0 - ph * Math.max(0, num(s.get(keys[k]))) / yMax;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            h.append("<polyline fill=\"none\" stroke=\"").append(colors[k]).append("\" stroke-width=\"1.5\" points=\"")
                    .append(pts).append("\"/>");
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>",
                    x0 + 10 + 120 * k, 14, colors[k], esc(keys[k])));
        }
        h.append("</svg>");
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
