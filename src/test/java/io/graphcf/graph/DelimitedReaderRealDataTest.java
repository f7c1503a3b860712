package io.graphcf.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.graphcf.testutil.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LastFM's original {@code data1.txt} (tab-separated, CRLF, no header, listen counts partly in
 * scientific notation) read as a TSV log equals the LightGCN-format {@code train.txt} generated
 * from it (ids shifted by one): same counts and the same degree multiset.
 */
class DelimitedReaderRealDataTest {
  @Test
  void lastfmLogMatchesItsLightGcnTrainFile() throws Exception {
    Path dir = SharedData.dir("lastfm");
    InteractionLog log = new DelimitedReader(new DelimitedReader.Options().delimiter('\t').header(false)
        .userColumn("0").itemColumn("1").ratingColumn("2")).read(dir.resolve("data1.txt"));
    Dataset fromLog = Splitter.none(log).toDataset();
    Dataset fromText = new LightGcnReader().read(dir.resolve("train.txt"), null).toDataset();
    // README: 42,135 train interactions over 1,878 users and 4,476 items.
    assertEquals(42_135, fromLog.train().nnz());
    assertEquals(1_878, fromLog.numUsers());
    assertEquals(4_476, fromLog.numItems());
    assertEquals(fromText.train().nnz(), fromLog.train().nnz());
    int[] a = fromLog.train().userItems().degrees();
    int[] b = fromText.train().userItems().degrees();
    Arrays.sort(a);
    Arrays.sort(b);
    assertEquals(Arrays.toString(b), Arrays.toString(a));
    // Thresholding keeps exactly the lines whose listen count is at least 1000 (counted directly).
    long want = 0;
    for (String line : Files.readAllLines(dir.resolve("data1.txt"))) {
      List<String> f = Arrays.asList(line.strip().split("\t"));
      want += Double.parseDouble(f.get(2)) >= 1000 ? 1 : 0;
    }
    InteractionLog hot = new DelimitedReader(new DelimitedReader.Options().delimiter('\t').header(false)
        .userColumn("0").itemColumn("1").ratingColumn("2").minRating(1000)).read(dir.resolve("data1.txt"));
    assertEquals(want, hot.size());
    assertEquals(42_135 - want, hot.belowThreshold);
  }
}
