package io.flotilla.agent.trust;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text (RFC 7468: DER in base64 between {@code -----BEGIN TYPE-----} and {@code -----END
 * TYPE-----} lines) and the files that hold it. Every failure is a {@link TrustFileException}
 * naming the file.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final Base64.Encoder BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII));
  private static final Set<StandardOpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  private static final FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /** A file to write: its PEM text, and whether only its owner may read it. */
  record File(Path path, String text, boolean secret) {}

  private Pem() {}

  /** One PEM block of this type holding this DER, ending with a line break. */
  static String encode(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type
        + "-----\n";
  }

  /** The DER of every block of this type in the file, in order; at least one. */
  static List<byte[]> read(Path file, String type) {
    String text;
    try {
      // Latin-1 decodes any bytes, so a binary file is reported as holding no block.
      text = Files.readString(file, ISO_8859_1);
    } catch (IOException e) {
      throw new TrustFileException("cannot read " + file + ": " + reason(e), e);
    }
    return parse(text, type, file.toString());
  }

  /**
   * The DER of every block of this type in PEM text, in order; at least one.
   *
   * @param source what the text came from, to name in errors
   */
  static List<byte[]> parse(String text, String type, String source) {
    List<byte[]> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (IllegalArgumentException e) {
          throw new TrustFileException(source + ": malformed " + type + " block: "
              + e.getMessage());
        }
      }
    }
    if (blocks.isEmpty()) {
      throw new TrustFileException(source + ": no -----BEGIN " + type + "----- block");
    }
    return blocks;
  }

  /**
   * Writes each file anew, or none: refuses if any of them exists, and removes those it wrote if
   * a later one fails. A secret file is readable by its owner only from the moment it exists,
   * where the file system has POSIX permissions.
   *
   * @param ifExists what to tell the reader when a file exists, after "FILE already exists; "
   */
  static void writeAll(List<File> files, String ifExists) {
    for (File f : files) {
      if (Files.exists(f.path())) {
        throw new TrustFileException(f.path() + " already exists; " + ifExists);
      }
    }
    List<Path> written = new ArrayList<>();
    try {
      for (File f : files) {
        write(f);
        written.add(f.path());
      }
    } catch (TrustFileException e) {
      written.forEach(Pem::deleteQuietly);
      throw e;
    }
  }

  private static void write(File f) {
    boolean posix = f.path().getFileSystem().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attributes =
        f.secret() && posix ? new FileAttribute<?>[] {OWNER_ONLY} : new FileAttribute<?>[0];
    try (SeekableByteChannel out = Files.newByteChannel(f.path(), CREATE_NEW, attributes)) {
      ByteBuffer bytes = ByteBuffer.wrap(f.text().getBytes(US_ASCII));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
    } catch (FileAlreadyExistsException e) {
      throw new TrustFileException(f.path() + " already exists", e);
    } catch (IOException e) {
      throw new TrustFileException("cannot write " + f.path() + ": " + reason(e), e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // The write failure being reported matters more than a leftover file.
    }
  }

  /** Why an I/O operation failed, without repeating the path the caller names anyway. */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file is in the way";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
