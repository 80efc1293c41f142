package io.relaycast.node.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.relaycast.node.RelaycastNode;
import io.relaycast.node.Settings;
import io.relaycast.node.SettingsException;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.PeerInfo;
import io.relaycast.signal.ServerMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks the files under {@code deploy/} against the node's code, because no container engine
 * runs where the tests run: the YAML and JSON parse, every {@code RELAYCAST_} variable they set is
 * one the node reads and accepts, ports agree with the settings that choose them, the Grafana
 * dashboard queries only metrics the node exports, the image's health check passes against a
 * real node, and the compose cluster's settings, run as plain processes on loopback, form a
 * working three-node cluster.
 */
class DeployFilesTest {
    private static final Path ROOT = repoRoot();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The metrics the node exports (the catalogue the lead keeps; a separate test checks
     * {@code /metrics}), with their Prometheus type. Summaries and histograms may be queried with
     * the suffixes Micrometer's Prometheus registry writes for them.
     */
    private static final Map<String, String> METRICS = Map.ofEntries(
            Map.entry("relaycast_peers", "gauge"),
            Map.entry("relaycast_rooms", "gauge"),
            Map.entry("relaycast_tracks", "gauge"),
            Map.entry("relaycast_packets_total", "counter"),
            Map.entry("relaycast_bytes_total", "counter"),
            Map.entry("relaycast_forwarded_packets_total", "counter"),
            Map.entry("relaycast_retransmitted_packets_total", "counter"),
            Map.entry("relaycast_drops_total", "counter"),
            Map.entry("relaycast_nacks_received_total", "counter"),
            Map.entry("relaycast_keyframe_requests_total", "counter"),
            Map.entry("relaycast_client_rtt_seconds", "summary"),
            Map.entry("relaycast_client_fraction_lost", "summary"),
            Map.entry("relaycast_dtls_handshake_seconds", "summary"),
            Map.entry("relaycast_event_loop_delay_seconds", "gauge"),
            Map.entry("relaycast_signaling_errors_total", "counter"),
            Map.entry("relaycast_auth_rejections_total", "counter"),
            Map.entry("relaycast_limit_rejections_total", "counter"),
            Map.entry("relaycast_relay_messages_total", "counter"),
            Map.entry("relaycast_relay_bytes_total", "counter"),
            Map.entry("relaycast_relay_drops_total", "counter"),
            // Micrometer binders NodeMetrics binds: JvmMemoryMetrics, JvmGcMetrics,
            // JvmThreadMetrics, ProcessorMetrics, UptimeMetrics.
            Map.entry("jvm_memory_used_bytes", "gauge"),
            Map.entry("jvm_memory_committed_bytes", "gauge"),
            Map.entry("jvm_memory_max_bytes", "gauge"),
            Map.entry("jvm_gc_pause_seconds", "summary"),
            Map.entry("jvm_gc_memory_allocated_bytes_total", "counter"),
            Map.entry("jvm_threads_live_threads", "gauge"),
            Map.entry("process_cpu_usage", "gauge"),
            Map.entry("process_uptime_seconds", "gauge"),
            Map.entry("system_cpu_usage", "gauge"));

    private static final Pattern METRIC_NAME = Pattern.compile("\\b(?:relaycast|jvm|process|system)_\\w+");
    /** A compose short-syntax port after interpolation: {@code IP:HOST[-HOST]:CONTAINER[-CONTAINER]/proto}. */
    private static final Pattern PUBLISHED = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d+)(?:-(\\d+))?:(\\d+)(?:-(\\d+))?/(tcp|udp)");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    // ------------------------------------------------------------------ files parse

    @Test
    void everyYamlAndJsonFileUnderDeployParses() throws IOException {
        List<Path> yaml = filesUnderDeploy(".yml", ".yaml");
        List<Path> json = filesUnderDeploy(".json");
        for (String expected : List.of("docker-compose.yml", "prometheus/prometheus.yml", "k8s/statefulset.yaml",
                "grafana/provisioning/datasources/prometheus.yml", "grafana/provisioning/dashboards/relaycast.yml")) {
            assertTrue(yaml.contains(DEPLOY.resolve(expected)), "missing deploy/" + expected);
        }
        assertTrue(json.contains(DEPLOY.resolve("grafana/dashboards/relaycast.json")), "missing the dashboard");
        for (Path p : yaml) {
            List<JsonNode> docs = yamlDocuments(p);
            assertFalse(docs.isEmpty(), p + " holds no YAML document");
            for (JsonNode d : docs) {
                assertTrue(d.isObject(), p + ": every document is a mapping");
            }
        }
        for (Path p : json) {
            assertTrue(JSON.readTree(p.toFile()).isObject(), p + " is a JSON object");
        }
    }

    // ------------------------------------------------------------------ settings

    @Test
    void everyRelaycastVariableTheDeployFilesSetIsOneTheNodeReads() throws Exception {
        Set<String> read = variablesTheNodeReads();
        assertTrue(read.contains("RELAYCAST_MEDIA_WORKERS") && read.contains("RELAYCAST_CLUSTER_K8S_SERVICE"), read.toString());

        Map<String, Set<String>> setBy = new TreeMap<>();
        dockerfile().env().keySet().forEach(n -> setBy.computeIfAbsent(n, k -> new TreeSet<>()).add("Dockerfile"));
        for (Map.Entry<String, JsonNode> s : services().entrySet()) {
            for (String n : rawEnvironment(s.getValue()).keySet()) {
                setBy.computeIfAbsent(n, k -> new TreeSet<>()).add("compose " + s.getKey());
            }
        }
        // Compose interpolations named like a node setting pass it through from the host.
        Matcher m = INTERPOLATION.matcher(Files.readString(DEPLOY.resolve("docker-compose.yml")));
        while (m.find()) {
            String n = m.group(1) != null ? m.group(1) : m.group(4);
            if (n != null) {
                setBy.computeIfAbsent(n, k -> new TreeSet<>()).add("compose ${" + n + "}");
            }
        }
        for (JsonNode c : k8sContainers()) {
            for (JsonNode e : c.path("env")) {
                setBy.computeIfAbsent(e.path("name").asText(), k -> new TreeSet<>()).add("k8s " + c.path("name").asText());
            }
        }
        int relaycast = 0;
        for (Map.Entry<String, Set<String>> e : setBy.entrySet()) {
            if (e.getKey().startsWith("RELAYCAST_")) {
                relaycast++;
                assertTrue(read.contains(e.getKey()), e.getKey() + " (set by " + e.getValue() + ") is not a setting the node reads");
            }
        }
        assertTrue(relaycast >= 15, "expected the deploy files to set most settings, found " + relaycast);
    }

    @Test
    void theImageAndKubernetesValuesAreAcceptedByTheNode() throws Exception {
        Settings image = Settings.from(dockerfile().env()::get);
        assertEquals("0.0.0.0", image.httpHost());
        assertFalse(image.cluster(), "the image alone is a dev-mode node");

        JsonNode container = k8sContainer();
        Map<String, String> env = kubernetesEnv(container);
        Settings k8s = Settings.from(env::get);
        assertTrue(k8s.cluster());
        assertEquals("kubernetes", k8s.clusterDiscovery());
        assertEquals(List.of("10.0.0.7"), k8s.advertisedIps());
        assertEquals("relaycast-0", k8s.nodeId());
    }

    // ------------------------------------------------------------------ Dockerfile

    @Test
    void theDockerfileBuildsThePackagedJarAndExposesThePortsItsEnvironmentChooses() throws Exception {
        Dockerfile df = dockerfile();
        String finalName = match("<finalName>([^<]+)</finalName>", Files.readString(ROOT.resolve("node/pom.xml")));
        assertEquals("node/target/relaycast-node.jar", "node/target/" + finalName + ".jar", "the jar OPERATIONS.md names");

        // The build stage copies every module's pom (the reactor reads them all) from paths that exist.
        String workdir = df.buildStage().stream().filter(i -> i.keyword().equals("WORKDIR")).reduce((a, b) -> b)
                .orElseThrow().args();
        Set<String> copied = new HashSet<>();
        for (Instruction i : df.buildStage()) {
            if (i.keyword().equals("COPY")) {
                List<String> words = List.of(i.args().split("\\s+"));
                for (String src : words.subList(0, words.size() - 1)) {
                    assertTrue(Files.exists(ROOT.resolve(src)), "COPY source " + src + " is not in the repository");
                    copied.add(src.replaceAll("/$", ""));
                }
            }
        }
        for (String module : modules()) {
            assertTrue(copied.contains(module) || copied.contains(module + "/pom.xml"), "module " + module + " is not copied");
        }
        String build = df.buildStage().stream().filter(i -> i.keyword().equals("RUN") && i.args().contains("mvn "))
                .map(Instruction::args).findFirst().orElseThrow(() -> new AssertionError("no mvn RUN in the build stage"));
        assertTrue(build.contains("-pl shared-model,node") && build.contains(" package"), build);

        // jlink: the modules jdeps cannot see are added.
        String extra = df.buildStage().stream().filter(i -> i.keyword().equals("ARG") && i.args().startsWith("JLINK_EXTRA_MODULES="))
                .map(i -> i.args().substring("JLINK_EXTRA_MODULES=".length())).findFirst().orElseThrow();
        assertEquals(Set.of("jdk.crypto.ec", "jdk.net", "jdk.unsupported"), Set.of(extra.split(",")));
        assertTrue(df.buildStage().stream().anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("jdeps")
                && i.args().contains("--print-module-deps") && i.args().contains("jlink") && i.args().contains("${JLINK_EXTRA_MODULES}")));

        // The runtime stage copies the packaged jar and runs exactly that file with the linked JRE.
        String jarInImage = null;
        String jreInImage = null;
        for (Instruction i : df.runtimeStage()) {
            if (i.keyword().equals("COPY") && i.args().startsWith("--from=build ")) {
                String[] w = i.args().split("\\s+");
                if (w[1].equals(workdir + "/node/target/" + finalName + ".jar")) {
                    jarInImage = w[2];
                } else if (w[1].equals("/jre")) {
                    jreInImage = w[2];
                }
            }
        }
        assertNotNull(jarInImage, "the runtime stage does not copy " + workdir + "/node/target/" + finalName + ".jar");
        assertNotNull(jreInImage, "the runtime stage does not copy the linked JRE");
        List<String> entrypoint = df.execForm("ENTRYPOINT");
        assertEquals(jreInImage + "/bin/java", entrypoint.get(0));
        assertEquals(List.of("-jar", jarInImage), entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));

        // EXPOSE is exactly what the image's own settings bind.
        Settings s = Settings.from(df.env()::get);
        assertEquals(expectedPorts(s), df.exposed());

        String user = df.runtimeStage().stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b).orElseThrow().args();
        assertTrue(user.matches("[1-9]\\d*(:\\d+)?"), "USER is a numeric non-root uid (Kubernetes runAsNonRoot checks it): " + user);
        assertEquals("SIGTERM", df.runtimeStage().stream().filter(i -> i.keyword().equals("STOPSIGNAL")).findFirst().orElseThrow().args());
        String health = String.join(" ", df.healthcheck());
        assertTrue(health.contains("/health") && health.contains("RELAYCAST_HTTP_PORT"), health);
    }

    @Test
    void theImagesHealthCheckPassesOnARunningNodeAndFailsWithoutOne() throws Exception {
        Path bash = Path.of("/bin/bash");
        assertTrue(Files.isExecutable(bash), "the image's HEALTHCHECK runs bash; this check needs it too");
        Map<String, String> env = new HashMap<>(dockerfile().env());
        env.put("RELAYCAST_HTTP_HOST", "127.0.0.1");
        env.put("RELAYCAST_HTTP_PORT", Integer.toString(freeTcpPort()));
        env.put("RELAYCAST_MEDIA_HOST", "127.0.0.1");
        env.put("RELAYCAST_MEDIA_PORT", Integer.toString(freeUdpRange(Integer.parseInt(env.get("RELAYCAST_MEDIA_WORKERS")))));
        RelaycastNode node = start(env);
        try {
            assertEquals(0, runHealthcheck(node.httpPort()), "HEALTHCHECK against a serving node");
        } finally {
            stop(node);
        }
        assertNotEquals(0, runHealthcheck(freeTcpPort()), "HEALTHCHECK with nothing listening");
    }

    // ------------------------------------------------------------------ compose, Prometheus, Grafana

    @Test
    void composePublishesEachNodesHttpAndMediaPortsAndPrometheusScrapesEveryNode() throws Exception {
        Map<String, JsonNode> nodes = relaycastServices();
        assertEquals(3, nodes.size(), "three relaycast services: " + nodes.keySet());
        Set<Integer> hostPorts = new HashSet<>();
        Set<String> expectedTargets = new TreeSet<>();
        for (Map.Entry<String, JsonNode> e : nodes.entrySet()) {
            Map<String, String> env = effectiveEnvironment(e.getValue());
            Settings s = Settings.from(env::get);
            Set<String> published = new TreeSet<>();
            for (JsonNode p : e.getValue().path("ports")) {
                Matcher m = PUBLISHED.matcher(interpolate(p.asText()));
                assertTrue(m.matches(), e.getKey() + ": port '" + p.asText() + "' is not IP:HOST:CONTAINER/proto");
                int hostFirst = Integer.parseInt(m.group(2));
                int hostLast = m.group(3) == null ? hostFirst : Integer.parseInt(m.group(3));
                int first = Integer.parseInt(m.group(4));
                int last = m.group(5) == null ? first : Integer.parseInt(m.group(5));
                assertEquals(last - first, hostLast - hostFirst, p.asText());
                if (m.group(6).equals("udp")) {
                    // ICE candidates carry the container's own port: the host must use the same one.
                    assertEquals(first, hostFirst, e.getKey() + ": UDP media must be published on the same host port");
                }
                for (int i = 0; i <= last - first; i++) {
                    published.add((first + i) + "/" + m.group(6));
                    assertTrue(hostPorts.add(hostFirst + i), "host port " + (hostFirst + i) + " published twice");
                }
            }
            Set<String> expected = new TreeSet<>();
            expected.add(s.httpPort() + "/tcp");
            for (int w = 0; w < s.mediaWorkers(); w++) {
                expected.add((s.mediaPort() + w) + "/udp");
            }
            // Hazelcast and the event bus stay on the compose network: they are unauthenticated.
            assertEquals(expected, published, e.getKey() + ": published container ports");
            expectedTargets.add(e.getKey() + ":" + s.httpPort());
        }

        JsonNode prometheus = yamlDocuments(DEPLOY.resolve("prometheus/prometheus.yml")).get(0);
        Set<String> targets = new TreeSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            assertEquals("/metrics", job.path("metrics_path").asText("/metrics"));
            for (JsonNode sc : job.path("static_configs")) {
                sc.path("targets").forEach(t -> targets.add(t.asText()));
            }
        }
        assertEquals(expectedTargets, targets, "Prometheus scrapes every node's HTTP port");
        JsonNode promService = services().get("prometheus");
        assertTrue(mounts(promService).containsKey("./prometheus/prometheus.yml"), "compose mounts the scrape config");
    }

    @Test
    void everyServicePublishesOnLoopbackUnlessTheHostSaysOtherwise() throws Exception {
        int ports = 0;
        for (Map.Entry<String, JsonNode> e : services().entrySet()) {
            for (JsonNode p : e.getValue().path("ports")) {
                assertTrue(p.asText().startsWith("${HOST_PUBLISH_IP:-127.0.0.1}:"),
                        e.getKey() + ": '" + p.asText() + "' must publish on ${HOST_PUBLISH_IP:-127.0.0.1}");
                Matcher m = PUBLISHED.matcher(interpolate(p.asText()));
                assertTrue(m.matches(), p.asText());
                assertEquals("127.0.0.1", m.group(1));
                ports++;
            }
        }
        assertEquals(8, ports, "HTTP and media of three nodes, Prometheus, Grafana");
    }

    // ------------------------------------------------------------------ images without a registry

    @Test
    void everyImageIsNamedFullyQualifiedAndTheBuildScriptMakesTheOnesComposeRunsByDefault() throws Exception {
        // podman refuses short names (no unqualified-search registries): every FROM default,
        // build argument and compose image names its registry ("localhost" for local builds).
        Map<String, String> images = new TreeMap<>();
        Pattern arg = Pattern.compile("(?m)^ARG (\\w+_IMAGE)=(\\S+)$");
        for (Path f : List.of(DEPLOY.resolve("Dockerfile"), DEPLOY.resolve("images/maven.Containerfile"),
                DEPLOY.resolve("images/prometheus.Containerfile"))) {
            String text = Files.readString(f);
            Matcher m = arg.matcher(text);
            while (m.find()) {
                images.put(ROOT.relativize(f) + " " + m.group(1), m.group(2));
            }
            Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(text);
            while (from.find()) {
                assertTrue(from.group(1).matches("\\$\\{\\w+_IMAGE}"), f + ": FROM " + from.group(1) + " is not an ARG");
            }
        }
        for (Map.Entry<String, JsonNode> e : services().entrySet()) {
            images.put("compose " + e.getKey(), interpolate(e.getValue().path("image").asText()));
        }
        assertEquals(9, images.size(), images.toString());
        for (Map.Entry<String, String> e : images.entrySet()) {
            String first = e.getValue().substring(0, Math.max(0, e.getValue().indexOf('/')));
            assertTrue(first.equals("localhost") || first.contains("."), e.getKey() + ": '" + e.getValue() + "' is a short name");
        }

        // deploy/build-images.sh passes the Dockerfile's and the Containerfiles' own ARGs, and
        // tags the node image compose runs by default; check.sh runs what the script built.
        String script = Files.readString(DEPLOY.resolve("build-images.sh"));
        for (String a : List.of("MAVEN_IMAGE", "RUNTIME_IMAGE", "BASE_IMAGE")) {
            assertTrue(script.contains("--build-arg \"" + a + "="), "build-images.sh sets " + a);
            assertTrue(images.keySet().stream().anyMatch(k -> k.endsWith(" " + a)), a + " is an ARG of a Dockerfile");
        }
        assertEquals(images.get("compose relaycast-1"), match("NODE=\\$\\{NODE_IMAGE:-([^}]+)}", script));
        for (String f : List.of("deploy/Dockerfile", "deploy/images/maven.Containerfile", "deploy/images/prometheus.Containerfile",
                "deploy/Dockerfile.dockerignore")) {
            assertTrue(script.contains(f.substring("deploy/".length())) || script.contains(f), "build-images.sh uses " + f);
        }
        String check = Files.readString(DEPLOY.resolve("check.sh"));
        assertTrue(check.contains("export NODE_IMAGE=" + images.get("compose relaycast-1")), "check.sh runs the image built");
        assertEquals(match("PROMETHEUS=(localhost/relaycast/prometheus:)\\$SUITE", script),
                match("PROMETHEUS_IMAGE=(localhost/relaycast/prometheus:)\\$\\{", check));
        // HEALTHCHECK survives only in the docker image format.
        assertTrue(script.contains("podman build --format docker"), "build-images.sh builds docker-format images");
    }

    @Test
    void checkShProbesExactlyTheNodesComposeRunsOnTheirPublishedHttpPorts() throws Exception {
        String check = Files.readString(DEPLOY.resolve("check.sh"));
        List<String> nodes = List.of(match("(?m)^NODES=\\(([^)]*)\\)", check).split(" "));
        List<String> http = List.of(match("(?m)^HTTP=\\(([^)]*)\\)", check).split(" "));
        assertEquals(new ArrayList<>(relaycastServices().keySet()), nodes);
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode service = relaycastServices().get(nodes.get(i));
            int container = Settings.from(effectiveEnvironment(service)::get).httpPort();
            boolean found = false;
            for (JsonNode p : service.path("ports")) {
                Matcher m = PUBLISHED.matcher(interpolate(p.asText()));
                if (m.matches() && m.group(6).equals("tcp") && Integer.parseInt(m.group(4)) == container) {
                    assertEquals(http.get(i), m.group(2), nodes.get(i) + "'s published HTTP port");
                    found = true;
                }
            }
            assertTrue(found, nodes.get(i) + " publishes its HTTP port");
        }
    }

    @Test
    void grafanaIsProvisionedWithThePrometheusDatasourceAndTheDashboard() throws Exception {
        JsonNode grafana = services().get("grafana");
        assertNotNull(grafana, "a grafana service");
        Map<String, String> mounts = mounts(grafana);
        assertEquals("/etc/grafana/provisioning", mounts.get("./grafana/provisioning"));
        JsonNode provider = yamlDocuments(DEPLOY.resolve("grafana/provisioning/dashboards/relaycast.yml")).get(0)
                .path("providers").get(0);
        assertEquals(mounts.get("./grafana/dashboards"), provider.path("options").path("path").asText(),
                "the dashboard provider reads the folder compose mounts the dashboards at");

        JsonNode ds = yamlDocuments(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml")).get(0)
                .path("datasources").get(0);
        assertEquals("prometheus", ds.path("type").asText());
        URI url = URI.create(ds.path("url").asText());
        assertTrue(services().containsKey(url.getHost()), "datasource host is the compose service " + url.getHost());
        assertEquals(9090, url.getPort());
        String uid = ds.path("uid").asText();

        JsonNode dash = JSON.readTree(DEPLOY.resolve("grafana/dashboards/relaycast.json").toFile());
        List<JsonNode> refs = new ArrayList<>();
        dash.findParents("datasource").forEach(p -> refs.add(p.get("datasource")));
        assertFalse(refs.isEmpty());
        for (JsonNode ref : refs) {
            assertEquals(uid, ref.path("uid").asText(), "every panel and query uses the provisioned datasource");
        }
    }

    @Test
    void theDashboardQueriesOnlyMetricsTheNodeExportsAndCoversTheCatalogue() throws Exception {
        JsonNode dash = JSON.readTree(DEPLOY.resolve("grafana/dashboards/relaycast.json").toFile());
        List<String> queries = new ArrayList<>();
        dash.findValues("expr").forEach(v -> queries.add(v.asText()));
        dash.path("templating").path("list").forEach(v -> queries.add(v.path("definition").asText()));
        assertTrue(queries.size() >= 20, "queries: " + queries.size());
        Set<String> used = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC_NAME.matcher(q);
            while (m.find()) {
                String name = m.group();
                String base = exportedBase(name);
                assertNotNull(base, "the dashboard queries " + name + ", which the node does not export: " + q);
                used.add(base);
            }
        }
        Set<String> relaycast = METRICS.keySet().stream().filter(n -> n.startsWith("relaycast_")).collect(Collectors.toCollection(TreeSet::new));
        relaycast.removeAll(used);
        assertEquals(Set.of(), relaycast, "relaycast metrics with no panel");
        for (String jvm : List.of("jvm_memory_used_bytes", "jvm_gc_pause_seconds", "process_cpu_usage", "jvm_threads_live_threads")) {
            assertTrue(used.contains(jvm), jvm + " has no panel");
        }
    }

    /** The catalogue name {@code name} is, or a Micrometer suffix of a summary; null when neither. */
    private static String exportedBase(String name) {
        if (METRICS.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = METRICS.get(base);
                if ("summary".equals(type) || "histogram".equals(type)) {
                    return base;
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ Kubernetes

    @Test
    void theStatefulSetDiscoversItsPeersThroughTheHeadlessServiceAndDrainsBeforeItIsKilled() throws Exception {
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        for (Path p : filesUnder(DEPLOY.resolve("k8s"), ".yaml", ".yml")) {
            for (JsonNode d : yamlDocuments(p)) {
                byKind.computeIfAbsent(d.path("kind").asText(), k -> new ArrayList<>()).add(d);
            }
        }
        JsonNode sts = only(byKind, "StatefulSet");
        JsonNode spec = sts.path("spec");
        JsonNode pod = spec.path("template").path("spec");
        JsonNode container = k8sContainer();
        Map<String, String> labels = fields(spec.path("template").path("metadata").path("labels"));
        assertEquals(3, spec.path("replicas").asInt());
        assertEquals(fields(spec.path("selector").path("matchLabels")), subset(labels, fields(spec.path("selector").path("matchLabels"))));

        Settings s = Settings.from(kubernetesEnv(container)::get);
        // Headless Service: the StatefulSet's serviceName, and the name discovery resolves.
        JsonNode headless = byKind.get("Service").stream().filter(x -> x.path("metadata").path("name").asText()
                .equals(spec.path("serviceName").asText())).findFirst().orElseThrow(() -> new AssertionError("no Service " + spec.path("serviceName")));
        assertEquals("None", headless.path("spec").path("clusterIP").asText());
        assertTrue(headless.path("spec").path("publishNotReadyAddresses").asBoolean(),
                "pods are ready only after joining, so discovery must see not-ready pods");
        assertTrue(selects(headless, labels));
        assertEquals("kubernetes", s.clusterDiscovery());
        assertTrue(s.clusterK8sService().startsWith(spec.path("serviceName").asText() + "."), s.clusterK8sService());
        // The node sets only service-dns, so Hazelcast connects to its default port 5701.
        assertEquals(5701, s.clusterPort(), "DNS-lookup discovery connects to 5701 unless service-port is set");
        Set<Integer> headlessPorts = new HashSet<>();
        headless.path("spec").path("ports").forEach(p -> headlessPorts.add(p.path("port").asInt()));
        assertEquals(Set.of(s.clusterPort(), s.eventBusPort()), headlessPorts);
        assertFalse(byKind.containsKey("Role") || byKind.containsKey("ClusterRole"),
                "DNS-lookup discovery reads no endpoints: no RBAC");

        // Media: host network, the host's address in ICE candidates, one pod per host.
        assertTrue(pod.path("hostNetwork").asBoolean());
        assertEquals("ClusterFirstWithHostNet", pod.path("dnsPolicy").asText(), "a host-network pod must still resolve the headless Service");
        assertEquals("status.hostIP", envFieldRef(container, "RELAYCAST_ADVERTISED_IP"));
        assertEquals("kubernetes.io/hostname", pod.path("affinity").path("podAntiAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").get(0).path("topologyKey").asText());

        // Declared container ports are exactly what the settings bind.
        Set<String> declared = new TreeSet<>();
        Map<String, Integer> named = new HashMap<>();
        for (JsonNode p : container.path("ports")) {
            declared.add(p.path("containerPort").asInt() + "/" + p.path("protocol").asText("TCP").toLowerCase());
            named.put(p.path("name").asText(), p.path("containerPort").asInt());
        }
        assertEquals(expectedPorts(s), declared);

        // Probes, and a grace period that outlasts preStop + drain.
        assertEquals("/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/health", container.path("livenessProbe").path("httpGet").path("path").asText());
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            JsonNode port = container.path(probe).path("httpGet").path("port");
            if (!container.path(probe).isMissingNode()) {
                assertEquals(s.httpPort(), port.isInt() ? port.asInt() : named.get(port.asText()), probe + " port");
            }
        }
        List<String> preStop = new ArrayList<>();
        container.path("lifecycle").path("preStop").path("exec").path("command").forEach(c -> preStop.add(c.asText()));
        assertEquals("sleep", preStop.get(0), "preStop waits for load balancers, then SIGTERM drains");
        int preStopSeconds = Integer.parseInt(preStop.get(1));
        int grace = pod.path("terminationGracePeriodSeconds").asInt();
        assertTrue(grace >= preStopSeconds + s.drainSeconds() + 10,
                "terminationGracePeriodSeconds " + grace + " must cover preStop " + preStopSeconds + " s + drain "
                        + s.drainSeconds() + " s + leaving the cluster");

        // The HTTP Service and the PodDisruptionBudget select these pods.
        JsonNode http = byKind.get("Service").stream().filter(x -> !x.path("spec").path("clusterIP").asText().equals("None"))
                .findFirst().orElseThrow();
        assertTrue(selects(http, labels));
        JsonNode target = http.path("spec").path("ports").get(0).path("targetPort");
        assertEquals(s.httpPort(), target.isInt() ? target.asInt() : named.get(target.asText()));
        JsonNode pdb = only(byKind, "PodDisruptionBudget");
        assertEquals(fields(pdb.path("spec").path("selector").path("matchLabels")),
                subset(labels, fields(pdb.path("spec").path("selector").path("matchLabels"))));
        assertEquals(1, pdb.path("spec").path("maxUnavailable").asInt());

        // Every resource the kustomization lists exists, and every manifest is listed.
        JsonNode kustomization = only(byKind, "Kustomization");
        Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> present = filesUnder(DEPLOY.resolve("k8s"), ".yaml", ".yml").stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(present, listed);
    }

    // ------------------------------------------------------------------ the compose cluster, run

    @Test
    void theComposeClustersSettingsFormAWorkingClusterOnLoopback() throws Exception {
        Map<String, JsonNode> services = relaycastServices();
        // Container addresses (service names, hostnames, fixed IPs) all become loopback here.
        Map<String, String> addressOf = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : services.entrySet()) {
            addressOf.put(e.getKey(), e.getKey());
            containerAddresses(e.getKey(), e.getValue()).forEach(a -> addressOf.put(a, e.getKey()));
        }
        // Compose maps ports per container; on one host each node needs its own.
        Map<String, Map<String, String>> envs = new LinkedHashMap<>();
        Map<String, Integer> clusterPort = new HashMap<>();
        for (String name : startOrder(services)) {
            Map<String, String> env = effectiveEnvironment(services.get(name));
            Settings written = Settings.from(env::get);
            assertTrue(written.cluster(), name + " is clustered");
            assertEquals(name, addressOf.get(written.clusterHost()), name + ": RELAYCAST_CLUSTER_HOST " + written.clusterHost()
                    + " is not this container's address");
            int port = freeTcpPort();
            clusterPort.put(name, port);
            env.put("RELAYCAST_CLUSTER_HOST", "127.0.0.1");
            env.put("RELAYCAST_CLUSTER_PORT", Integer.toString(port));
            env.put("RELAYCAST_EVENTBUS_PORT", Integer.toString(freeTcpPort()));
            env.put("RELAYCAST_HTTP_HOST", "127.0.0.1");
            env.put("RELAYCAST_HTTP_PORT", Integer.toString(freeTcpPort()));
            env.put("RELAYCAST_MEDIA_HOST", "127.0.0.1");
            env.put("RELAYCAST_MEDIA_PORT", Integer.toString(freeUdpRange(written.mediaWorkers())));
            envs.put(name, env);
        }
        for (Map.Entry<String, Map<String, String>> e : envs.entrySet()) {
            List<String> members = new ArrayList<>();
            Set<String> named = new TreeSet<>();
            for (String m : Settings.from(effectiveEnvironment(services.get(e.getKey()))::get).clusterMembers()) {
                String host = m.substring(0, m.lastIndexOf(':'));
                int port = Integer.parseInt(m.substring(m.lastIndexOf(':') + 1));
                String target = addressOf.get(host);
                assertNotNull(target, e.getKey() + ": member " + m + " is no relaycast container");
                assertEquals(Settings.from(effectiveEnvironment(services.get(target))::get).clusterPort(), port,
                        e.getKey() + ": member " + m + " is not " + target + "'s cluster port");
                named.add(target);
                members.add("127.0.0.1:" + clusterPort.get(target));
            }
            assertEquals(services.keySet(), named, e.getKey() + " lists every node as a member, so any can be the seed");
            e.getValue().put("RELAYCAST_CLUSTER_MEMBERS", String.join(",", members));
        }

        List<RelaycastNode> nodes = new ArrayList<>();
        try {
            for (Map<String, String> env : envs.values()) {
                nodes.add(start(env));
            }
            List<String> ids = new ArrayList<>(envs.keySet());
            for (RelaycastNode n : nodes) {
                assertEquals(200, get(n.httpPort(), "/ready").statusCode(), n.settings().nodeId() + " ready");
            }
            try (WsTestClient a = WsTestClient.connect(nodes.get(0).httpPort());
                 WsTestClient b = WsTestClient.connect(nodes.get(1).httpPort())) {
                a.send(new ClientMessage.Join("deploy-check", "Ann", null));
                ServerMessage.Welcome wa = a.next(ServerMessage.Welcome.class);
                b.send(new ClientMessage.Join("deploy-check", "Bob", null));
                ServerMessage.Welcome wb = b.next(ServerMessage.Welcome.class);
                assertEquals(envs.get(ids.get(1)).get("RELAYCAST_NODE_ID"), wb.nodeId());
                assertEquals(List.of(new PeerInfo(wa.peerId(), "Ann")), wb.peers(), "the second node's welcome lists the first's peer");

                Map<String, String> peerNodes = Map.of();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                do {
                    peerNodes = peersIn(nodes.get(2).httpPort(), "deploy-check");
                } while (peerNodes.size() < 2 && System.nanoTime() < deadline && sleep(100));
                assertEquals(Map.of(wa.peerId(), envs.get(ids.get(0)).get("RELAYCAST_NODE_ID"),
                        wb.peerId(), envs.get(ids.get(1)).get("RELAYCAST_NODE_ID")), peerNodes, "/api/rooms on the third node");
            }
            // deploy/check.sh's probe of the containers passes on this cluster, and fails when
            // its first two URLs are one node (it would otherwise pass on a single node).
            List<String> urls = nodes.stream().map(n -> "http://127.0.0.1:" + n.httpPort()).collect(Collectors.toList());
            ProbeRun ok = runClusterProbe(urls);
            assertEquals(0, ok.exit(), ok.output());
            assertTrue(ok.output().contains("lists both peers"), ok.output());
            ProbeRun same = runClusterProbe(List.of(urls.get(0), urls.get(0)));
            assertEquals(1, same.exit(), same.output());
            assertTrue(same.output().contains("same node"), same.output());
        } finally {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                stop(nodes.get(i));
            }
        }
    }

    // ================================================================== helpers

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("deploy")) && Files.isRegularFile(p.resolve("node/pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no repository root with deploy/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    private static Set<String> variablesTheNodeReads() throws SettingsException {
        Set<String> asked = new TreeSet<>();
        Settings.from(name -> {
            asked.add(name);
            return null;
        });
        return asked;
    }

    private static List<Path> filesUnderDeploy(String... suffixes) throws IOException {
        return filesUnder(DEPLOY, suffixes);
    }

    private static List<Path> filesUnder(Path dir, String... suffixes) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> Stream.of(suffixes).anyMatch(x -> p.toString().endsWith(x)))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static List<JsonNode> yamlDocuments(Path p) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(p.toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    private static List<String> modules() throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            out.add(m.group(1));
        }
        assertFalse(out.isEmpty());
        return out;
    }

    private static String match(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex);
        return m.group(1);
    }

    /** Ports a node with these settings binds: HTTP, one UDP port per media worker, Hazelcast, event bus. */
    private static Set<String> expectedPorts(Settings s) {
        Set<String> ports = new TreeSet<>();
        ports.add(s.httpPort() + "/tcp");
        for (int w = 0; w < s.mediaWorkers(); w++) {
            ports.add((s.mediaPort() + w) + "/udp");
        }
        ports.add(s.clusterPort() + "/tcp");
        assertNotEquals(0, s.eventBusPort(), "a fixed event-bus port, so it can be exposed and allowed through firewalls");
        ports.add(s.eventBusPort() + "/tcp");
        return ports;
    }

    // ---- compose

    private static JsonNode compose() throws IOException {
        return yamlDocuments(DEPLOY.resolve("docker-compose.yml")).get(0);
    }

    private static Map<String, JsonNode> services() throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        compose().path("services").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Services that run the node: those whose environment sets any RELAYCAST_ variable. */
    private static Map<String, JsonNode> relaycastServices() throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : services().entrySet()) {
            if (rawEnvironment(e.getValue()).keySet().stream().anyMatch(n -> n.startsWith("RELAYCAST_"))) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** A service's {@code environment}, in map or list form, before interpolation. */
    private static Map<String, String> rawEnvironment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
        } else if (e.isArray()) {
            for (JsonNode item : e) {
                String s = item.asText();
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return env;
    }

    /**
     * What a container of this service sees: the image's ENV, then the service's environment
     * with compose's interpolation applied as if none of the referenced host variables were set.
     */
    private static Map<String, String> effectiveEnvironment(JsonNode service) throws IOException {
        Map<String, String> env = new HashMap<>(dockerfile().env());
        for (Map.Entry<String, String> e : rawEnvironment(service).entrySet()) {
            assertNotNull(e.getValue(), e.getKey() + " is passed through without a value");
            env.put(e.getKey(), interpolate(e.getValue()));
        }
        return env;
    }

    private static String interpolate(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else if (m.group(2) != null) {
                replacement = m.group(3);
            } else {
                throw new AssertionError("'" + value + "' needs a host variable with no default: compose would leave it empty");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Set<String> containerAddresses(String name, JsonNode service) {
        Set<String> out = new LinkedHashSet<>();
        out.add(name);
        if (service.hasNonNull("hostname")) {
            out.add(service.get("hostname").asText());
        }
        service.path("networks").fields().forEachRemaining(n -> {
            if (n.getValue().hasNonNull("ipv4_address")) {
                out.add(n.getValue().get("ipv4_address").asText());
            }
        });
        return out;
    }

    /** Services in an order that starts each one after the relaycast services it depends on. */
    private static List<String> startOrder(Map<String, JsonNode> services) {
        List<String> order = new ArrayList<>();
        while (order.size() < services.size()) {
            boolean progressed = false;
            for (Map.Entry<String, JsonNode> e : services.entrySet()) {
                if (order.contains(e.getKey())) {
                    continue;
                }
                Set<String> deps = new HashSet<>();
                JsonNode d = e.getValue().path("depends_on");
                if (d.isArray()) {
                    d.forEach(x -> deps.add(x.asText()));
                } else {
                    d.fieldNames().forEachRemaining(deps::add);
                }
                deps.retainAll(services.keySet());
                if (order.containsAll(deps)) {
                    order.add(e.getKey());
                    progressed = true;
                }
            }
            assertTrue(progressed, "depends_on has a cycle");
        }
        return order;
    }

    /** Short-syntax volumes of a service: host path to container path. */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode v : service.path("volumes")) {
            String[] parts = v.asText().split(":");
            assertTrue(Files.exists(DEPLOY.resolve(parts[0]).normalize()), "mounted " + parts[0] + " does not exist under deploy/");
            out.put(parts[0], parts[1]);
        }
        return out;
    }

    // ---- Kubernetes

    private static List<JsonNode> k8sContainers() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Path p : filesUnder(DEPLOY.resolve("k8s"), ".yaml", ".yml")) {
            for (JsonNode d : yamlDocuments(p)) {
                d.path("spec").path("template").path("spec").path("containers").forEach(out::add);
            }
        }
        return out;
    }

    private static JsonNode k8sContainer() throws IOException {
        List<JsonNode> containers = k8sContainers();
        assertEquals(1, containers.size(), "one container template under deploy/k8s");
        return containers.get(0);
    }

    /**
     * The container's env as the node would see it on a pod {@code relaycast-0} of a host
     * {@code 10.0.0.7}: literal values as written, downward-API fields with those sample values;
     * files mounted from Secrets do not exist here, so file settings are left out.
     */
    private static Map<String, String> kubernetesEnv(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        Map<String, String> samples = Map.of("metadata.name", "relaycast-0", "metadata.namespace", "relaycast",
                "status.hostIP", "10.0.0.7", "status.podIP", "10.0.0.7");
        Set<String> files = Set.of("RELAYCAST_EVENTBUS_TLS_CERT", "RELAYCAST_EVENTBUS_TLS_KEY", "RELAYCAST_EVENTBUS_TLS_CA",
                "RELAYCAST_JWT_PUBLIC_KEY");
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            if (files.contains(name)) {
                assertTrue(e.path("value").asText().startsWith("/"), name + " is an absolute path");
                continue;
            }
            if (e.has("value")) {
                env.put(name, e.get("value").asText());
            } else if (e.path("valueFrom").has("fieldRef")) {
                String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText();
                assertTrue(samples.containsKey(field), name + " from unexpected field " + field);
                env.put(name, samples.get(field));
            } else if (e.path("valueFrom").has("secretKeyRef")) {
                env.put(name, "a-secret-of-at-least-thirty-two-bytes!");
            } else {
                fail(name + " has neither value nor valueFrom");
            }
        }
        return env;
    }

    private static String envFieldRef(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("valueFrom").path("fieldRef").path("fieldPath").asText();
            }
        }
        return null;
    }

    private static JsonNode only(Map<String, List<JsonNode>> byKind, String kind) {
        List<JsonNode> l = byKind.getOrDefault(kind, List.of());
        assertEquals(1, l.size(), "one " + kind);
        return l.get(0);
    }

    private static Map<String, String> fields(JsonNode map) {
        Map<String, String> out = new TreeMap<>();
        map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, String> subset(Map<String, String> labels, Map<String, String> selector) {
        Map<String, String> out = new TreeMap<>();
        selector.keySet().forEach(k -> {
            if (labels.containsKey(k)) {
                out.put(k, labels.get(k));
            }
        });
        return out;
    }

    private static boolean selects(JsonNode service, Map<String, String> podLabels) {
        Map<String, String> selector = fields(service.path("spec").path("selector"));
        return !selector.isEmpty() && subset(podLabels, selector).equals(selector);
    }

    // ---- Dockerfile

    private record Instruction(String keyword, String args) {
    }

    private record Dockerfile(List<List<Instruction>> stages) {
        List<Instruction> buildStage() {
            return stages.stream().filter(s -> s.get(0).args().matches(".*\\bAS build$")).findFirst()
                    .orElseThrow(() -> new AssertionError("no stage named build"));
        }

        List<Instruction> runtimeStage() {
            return stages.get(stages.size() - 1);
        }

        /** ENV of the runtime stage, with quotes removed. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction i : runtimeStage()) {
                if (i.keyword().equals("ENV")) {
                    for (String word : words(i.args())) {
                        int eq = word.indexOf('=');
                        assertTrue(eq > 0, "ENV in KEY=value form: " + word);
                        env.put(word.substring(0, eq), word.substring(eq + 1));
                    }
                }
            }
            return env;
        }

        Set<String> exposed() {
            Set<String> out = new TreeSet<>();
            for (Instruction i : runtimeStage()) {
                if (i.keyword().equals("EXPOSE")) {
                    for (String w : i.args().split("\\s+")) {
                        Matcher m = Pattern.compile("(\\d+)(?:-(\\d+))?(?:/(tcp|udp))?").matcher(w);
                        assertTrue(m.matches(), "EXPOSE " + w);
                        int first = Integer.parseInt(m.group(1));
                        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
                        for (int p = first; p <= last; p++) {
                            out.add(p + "/" + (m.group(3) == null ? "tcp" : m.group(3)));
                        }
                    }
                }
            }
            return out;
        }

        List<String> execForm(String keyword) throws IOException {
            String args = runtimeStage().stream().filter(i -> i.keyword().equals(keyword)).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no " + keyword)).args();
            return jsonArray(args);
        }

        List<String> healthcheck() throws IOException {
            String args = runtimeStage().stream().filter(i -> i.keyword().equals("HEALTHCHECK")).findFirst()
                    .orElseThrow(() -> new AssertionError("no HEALTHCHECK")).args();
            int cmd = args.indexOf("CMD ");
            assertTrue(cmd >= 0, "HEALTHCHECK ... CMD [...]");
            return jsonArray(args.substring(cmd + 4).trim());
        }

        private static List<String> jsonArray(String text) throws IOException {
            JsonNode a = JSON.readTree(text);
            assertTrue(a.isArray(), "exec form (a JSON array), so the process gets signals directly: " + text);
            List<String> out = new ArrayList<>();
            a.forEach(x -> out.add(x.asText()));
            return out;
        }

        /** Splits on blanks outside double quotes and drops the quotes. */
        private static List<String> words(String s) {
            List<String> out = new ArrayList<>();
            StringBuilder w = new StringBuilder();
            boolean quoted = false;
            for (char c : s.toCharArray()) {
                if (c == '"') {
                    quoted = !quoted;
                } else if (Character.isWhitespace(c) && !quoted) {
                    if (w.length() > 0) {
                        out.add(w.toString());
                        w.setLength(0);
                    }
                } else {
                    w.append(c);
                }
            }
            if (w.length() > 0) {
                out.add(w.toString());
            }
            return out;
        }
    }

    private static Dockerfile dockerfile() throws IOException {
        List<List<Instruction>> stages = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String line : Files.readAllLines(DEPLOY.resolve("Dockerfile"), StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (logical.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (t.endsWith("\\")) {
                logical.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            logical.append(t);
            String text = logical.toString().strip();
            logical.setLength(0);
            int sp = text.indexOf(' ');
            Instruction i = new Instruction(text.substring(0, sp).toUpperCase(), text.substring(sp + 1).strip());
            if (i.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).add(i);
            }
        }
        assertTrue(stages.size() >= 2, "a multi-stage Dockerfile");
        return new Dockerfile(stages);
    }

    private static int runHealthcheck(int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(dockerfile().healthcheck()).redirectErrorStream(true);
        pb.environment().put("RELAYCAST_HTTP_PORT", Integer.toString(port));
        Process p = pb.start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "HEALTHCHECK did not finish within 10 s");
        return p.exitValue();
    }

    // ---- nodes and ports

    private static RelaycastNode start(Map<String, String> env) throws Exception {
        return RelaycastNode.start(Settings.from(env::get)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static void stop(RelaycastNode node) {
        try {
            node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("node did not stop", e);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return io.relaycast.node.TestNodes.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** peerId to nodeId of the peers {@code /api/rooms} lists in {@code room}. */
    private static Map<String, String> peersIn(int port, String room) throws Exception {
        HttpResponse<String> r = get(port, "/api/rooms");
        assertEquals(200, r.statusCode(), r.body());
        Map<String, String> out = new HashMap<>();
        for (JsonNode rm : JSON.readTree(r.body()).path("rooms")) {
            if (rm.path("roomId").asText().equals(room)) {
                rm.path("peers").forEach(p -> out.put(p.path("peerId").asText(), p.path("nodeId").asText()));
            }
        }
        return out;
    }

    private record ProbeRun(int exit, String output) {
    }

    /** Runs deploy/check/ClusterProbe.java as check.sh does: the JDK's source launcher, no classpath. */
    private static ProbeRun runClusterProbe(List<String> urls) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                DEPLOY.resolve("check/ClusterProbe.java").toString()));
        cmd.addAll(urls);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ClusterProbe did not finish within 60 s: " + out);
        return new ProbeRun(p.exitValue(), out);
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    private static int freeTcpPort() throws IOException {
        return io.relaycast.testing.LoopbackPorts.freeTcpPort();
    }

    /** A first UDP port p with p .. p+count-1 all free on loopback at the moment of asking. */
    private static int freeUdpRange(int count) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 100; attempt++) {
            int first;
            try (DatagramSocket s = new DatagramSocket(0, lo)) {
                first = s.getLocalPort();
            }
            if (first + count - 1 > 65535) {
                continue;
            }
            List<DatagramSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    held.add(new DatagramSocket(first + i, lo));
                }
                return first;
            } catch (SocketException busy) {
                // try another
            } finally {
                held.forEach(DatagramSocket::close);
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free UDP ports on loopback");
    }
}
