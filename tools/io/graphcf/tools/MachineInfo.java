package io.graphcf.tools;

/** One line describing the machine a benchmark ran on (cores, JVM, OS, heap). */
final class MachineInfo {
  private MachineInfo() {}

  static String describe() {
    Runtime rt = Runtime.getRuntime();
    return "machine: " + rt.availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version") + ", " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch") + ", max heap " + (rt.maxMemory() >> 20) + " MiB";
  }
}
