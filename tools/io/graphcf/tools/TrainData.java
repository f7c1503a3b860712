package io.graphcf.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphcf.graph.Dataset;
import io.graphcf.graph.GraphStore;
import io.graphcf.graph.LightGcnReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The data a train or eval command runs on, with its metadata {@code data} object (contract 6):
 * a graphcf store ({@link GraphStore#open}, fingerprinted by the store) or, for convenience, a
 * LightGCN-format directory ({@code train.txt}, optional {@code test.txt}; fingerprinted by the
 * CRC32C of the two files). The metadata also records the split's {@link Dataset#contentChecksum()},
 * which is the same for a store and the text files it was imported from when their ordinals agree.
 */
record TrainData(Dataset dataset, ObjectNode meta) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static TrainData load(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    Dataset d;
    String fingerprint;
    String store;
    if (Files.isRegularFile(dir.resolve(GraphStore.MANIFEST))) {
      try (GraphStore s = GraphStore.open(dir)) {
        d = s.loadDataset();
        fingerprint = s.fingerprint();
      }
      store = abs.toString();
    } else if (Files.isRegularFile(dir.resolve("train.txt"))) {
      Path test = dir.resolve("test.txt");
      boolean hasTest = Files.isRegularFile(test);
      d = new LightGcnReader().read(dir.resolve("train.txt"), hasTest ? test : null).toDataset();
      CRC32C crc = new CRC32C();
      update(crc, dir.resolve("train.txt"));
      if (hasTest) {
        update(crc, test);
      }
      fingerprint = String.format("lightgcn-txt-%08x", crc.getValue());
      store = null;
    } else if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such store or data directory");
    } else {
      throw new NoSuchFileException(dir.toString(), null, "not a graphcf store (no " + GraphStore.MANIFEST
          + ") nor a LightGCN-format directory (no train.txt)");
    }
    ObjectNode m = JSON.createObjectNode();
    if (store == null) {
      m.putNull("store");
      m.put("source", abs.toString());
    } else {
      m.put("store", store);
    }
    m.put("fingerprint", fingerprint).put("content", d.contentChecksum()).put("users", d.numUsers())
        .put("items", d.numItems()).put("train", d.train().nnz()).put("test", d.test().nnz());
    return new TrainData(d, m);
  }

  private static void update(CRC32C crc, Path p) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p)) {
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        crc.update(buf, 0, n);
      }
    }
  }

  String fingerprint() {
    return meta.path("fingerprint").asText();
  }

  /** The split's {@link Dataset#contentChecksum()}. */
  String content() {
    return meta.path("content").asText();
  }

  /**
   * Whether this is the data a model (its metadata {@code modelMeta}) was trained on: the same fingerprint
   * or, failing that, the same {@link Dataset#contentChecksum()} as the data the model recorded (from its
   * metadata, or by reading that data again when an older model did not record it). A model that
   * records no fingerprint passes.
   */
  boolean holdsDataOf(ObjectNode modelMeta) {
    String fp = modelMeta.at("/data/fingerprint").asText("");
    if (fp.isEmpty() || fp.equals(fingerprint())) {
      return true;
    }
    String recorded = modelMeta.at("/data/content").asText("");
    if (recorded.isEmpty()) {
      recorded = recordedContent(modelMeta, fp);
    }
    return recorded.equals(content());
  }

  /** The content checksum of the data a model's metadata names, if it is still there unchanged; else "". */
  private static String recordedContent(ObjectNode modelMeta, String fingerprint) {
    String where = modelMeta.at("/data/store").asText(null);
    if (where == null) {
      where = modelMeta.at("/data/source").asText(null);
    }
    if (where == null) {
      return "";
    }
    try {
      TrainData recorded = load(Path.of(where));
      return recorded.fingerprint().equals(fingerprint) ? recorded.content() : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
