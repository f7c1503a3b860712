package io.graphcf.graph.io;

/**
 * Constants of the graphcf container: a 16-byte header ({@code int magic, int version, long 0}),
 * the payload, and a 16-byte footer ({@code int FOOTER_MAGIC, int algorithm, long crc}) whose CRC32C
 * covers every byte before the {@code crc} field. All little-endian.
 */
public final class FileFormat {
  /** Bytes before the payload. */
  public static final int HEADER_BYTES = 16;
  /** Bytes after the payload. */
  public static final int FOOTER_BYTES = 16;
  /** Marks the footer; a file that does not end with it was truncated or overwritten. */
  public static final int FOOTER_MAGIC = 0x47434645; // "GCFE"
  /** Checksum algorithm id written in the footer: CRC32C. */
  public static final int ALGORITHM_CRC32C = 1;
  /** Largest mapped chunk: 1 GiB. */
  static final int CHUNK_SHIFT = 30;

  private FileFormat() {}

  /** Four ASCII characters as a little-endian magic number, e.g. {@code magic("CSR1")}. */
  public static int magic(String fourChars) {
    if (fourChars.length() != 4) {
      throw new IllegalArgumentException("magic must have 4 characters, got '" + fourChars + "'");
    }
    int m = 0;
    for (int i = 0; i < 4; i++) {
      m |= (fourChars.charAt(i) & 0xFF) << (8 * i);
    }
    return m;
  }

  /** The magic number as text, for error messages. */
  public static String magicName(int magic) {
    StringBuilder sb = new StringBuilder(4);
    for (int i = 0; i < 4; i++) {
      int c = (magic >>> (8 * i)) & 0xFF;
      sb.append(c >= 32 && c < 127 ? (char) c : '?');
    }
    return sb.toString();
  }
}
