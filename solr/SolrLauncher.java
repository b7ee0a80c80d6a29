// Starts a real Solr HTTP server on 127.0.0.1 from jars assembled off Maven Central
// (Debian packages no Solr). Run in source-file mode: java -cp 'lib/*' SolrLauncher.java HOME PORT
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class SolrLauncher {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SolrLauncher SOLR_HOME PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        if (!Files.isRegularFile(home.resolve("solr.xml"))) {
            System.err.println("no solr.xml in " + home);
            System.exit(2);
        }
        JettyConfig config = JettyConfig.builder()
                .setPort(Integer.parseInt(args[1]))
                .setContext("/solr")
                .stopAtShutdown(true)
                .build();
        JettySolrRunner solr = new JettySolrRunner(home.toString(), config);
        solr.start();
        System.out.println("Solr listening at " + solr.getBaseUrl());
        Thread.currentThread().join();
    }
}
