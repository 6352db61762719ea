package rekg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import inet.ipaddr.IPAddressString;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.Version;

/**
 * Local Neo4j community server for rekg development and tests.
 *
 * <p>Embeds Neo4j (org.neo4j:neo4j from Maven Central) and exposes only the Bolt
 * connector on 127.0.0.1, with authentication disabled. Not for production.
 *
 * <pre>
 * java [jvm flags] -cp target/rekg-neo4j.jar:target/lib/* rekg.Neo4jLauncher [DATA_DIR [BOLT_PORT]]
 * </pre>
 *
 * <ul>
 *   <li>DATA_DIR: arg 1, else $NEO4J_DATA_DIR, else ${REKG_DATA_DIR:-.rekg}/neo4j.
 *       Neo4j home: store in DATA_DIR/data, Neo4j logs in DATA_DIR/logs.</li>
 *   <li>BOLT_PORT: arg 2, else $NEO4J_BOLT_PORT, else 7687.</li>
 *   <li>$NEO4J_PAGECACHE: page cache size, e.g. 256m (default).</li>
 *   <li>$NEO4J_BOLT_HOST: listen address (default 127.0.0.1).</li>
 *   <li>$NEO4J_TX_TIMEOUT: server-side cap on every transaction, e.g. 120s (default).</li>
 *   <li>$NEO4J_TX_MEMORY: memory cap per transaction, e.g. 256m (default); total for all: twice that.</li>
 * </ul>
 *
 * <p>Hardening (docs/GUARDRAILS.md): LOAD CSV may not read files ({@code
 * dbms.security.allow_csv_import_from_file_urls=false}, and the import root is an empty directory
 * HOME/import-empty) nor URLs (every IPv4 and IPv6 address is on {@code internal.dbms.cypher_ip_blocklist}),
 * and transactions have a server-side timeout and memory cap.
 *
 * Heap is set on the java command line (-Xmx). SIGTERM/SIGINT run a shutdown hook that
 * calls {@link DatabaseManagementService#shutdown()} (checkpoint + clean close).
 */
public final class Neo4jLauncher {

    private Neo4jLauncher() {}

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return (v == null || v.isBlank()) ? def : v.trim();
    }

    public static void main(String[] args) {
        String defaultDir = env("NEO4J_DATA_DIR", Path.of(env("REKG_DATA_DIR", ".rekg"), "neo4j").toString());
        Path home = Path.of(args.length > 0 ? args[0] : defaultDir).toAbsolutePath().normalize();
        int port = Integer.parseInt(args.length > 1 ? args[1] : env("NEO4J_BOLT_PORT", "7687"));
        String host = env("NEO4J_BOLT_HOST", "127.0.0.1");
        long pageCache = ByteUnit.parse(env("NEO4J_PAGECACHE", "256m"));
        Duration txTimeout = Duration.ofSeconds(Long.parseLong(env("NEO4J_TX_TIMEOUT", "120s").replaceAll("s$", "")));
        long txMemory = ByteUnit.parse(env("NEO4J_TX_MEMORY", "256m"));

        DatabaseManagementService service = null;
        try {
            Path logConfig = writeLogConfig(home);
            Path importRoot = emptyImportRoot(home);
            log("starting Neo4j " + Version.getNeo4jVersion() + " home=" + home + " bolt=" + host + ":" + port
                    + " pagecache=" + pageCache / ByteUnit.mebiBytes(1) + "m txTimeout=" + txTimeout.toSeconds()
                    + "s txMemory=" + txMemory / ByteUnit.mebiBytes(1) + "m maxHeap="
                    + Runtime.getRuntime().maxMemory() / ByteUnit.mebiBytes(1) + "m");

            service = new DatabaseManagementServiceBuilder(home)
                    // connectors: Bolt only, loopback, no auth
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    // Bolt waits 5 s + 5 s on shutdown by default; the databases are already
                    // checkpointed and closed at that point, so 1 s each is plenty for dev/tests.
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                    // memory (heap comes from -Xmx)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                    // transaction logs: small files, keep little history
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    // logs: small rolling debug.log, no phone-home
                    .setConfig(GraphDatabaseSettings.server_logging_config_path, logConfig)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // no file or URL access from Cypher: LOAD CSV reads nothing, fetches nothing
                    .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                    .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importRoot)
                    .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist,
                            List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0")))
                    // limits that hold on the server, whatever the client asks
                    .setConfig(GraphDatabaseSettings.transaction_timeout, txTimeout)
                    .setConfig(GraphDatabaseSettings.memory_transaction_max_size, txMemory)
                    .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, 2 * txMemory)
                    .build();
        } catch (Throwable t) {
            log("FAILED to start: " + t);
            t.printStackTrace();
            if (service != null) {
                try {
                    service.shutdown();
                } catch (Throwable ignored) {
                    // best effort
                }
            }
            System.exit(1);
            return;
        }

        final DatabaseManagementService svc = service;
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutdown requested, stopping Neo4j ...");
            try {
                svc.shutdown();
                log("Neo4j stopped cleanly");
            } catch (Throwable t) {
                log("error during shutdown: " + t);
                t.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "rekg-neo4j-shutdown"));

        log("READY bolt://" + host + ":" + port);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An empty directory as LOAD CSV's file root (file URLs are refused anyway; this is the second lock). */
    private static Path emptyImportRoot(Path home) throws IOException {
        Path dir = home.resolve("import-empty");
        Files.createDirectories(dir);
        return dir;
    }

    /** Copy the bundled log4j config into HOME/conf so Neo4j's log sizes stay small. */
    private static Path writeLogConfig(Path home) throws IOException {
        Path target = home.resolve("conf").resolve("server-logs.xml");
        Files.createDirectories(target.getParent());
        try (InputStream in = Neo4jLauncher.class.getResourceAsStream("/rekg/server-logs.xml")) {
            if (in == null) {
                throw new IOException("bundled /rekg/server-logs.xml missing from jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static void log(String msg) {
        System.out.println("[rekg-neo4j] " + java.time.Instant.now() + " " + msg);
        System.out.flush();
    }
}
