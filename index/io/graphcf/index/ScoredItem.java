package io.graphcf.index;

/** One recommended item: its external id and the model's score (higher is better). */
public record ScoredItem(String itemId, float score) {
  @Override
  public String toString() {
    return itemId + "\t" + score;
  }
}
