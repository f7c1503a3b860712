package io.graphcf.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of the five parts: tools → index → propagation → graph, contrastive →
 * propagation; graph depends on no other part; index never needs contrastive; no cycles.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        // Test classes live under */test-classes/ whatever the build directory is called.
        .withImportOption(location -> !location.contains("/test-classes/"))
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages("io.graphcf");
  }

  @Test
  void importedEveryPart() {
    // Guards the rules below against passing vacuously on an empty import.
    for (String part : new String[] {"graph", "propagation", "tools"}) {
      assertTrue(classes.stream().anyMatch(c -> c.getPackageName().startsWith("io.graphcf." + part)),
          "no classes found in io.graphcf." + part);
    }
  }

  @Test
  void graphDependsOnNoOtherPart() {
    check(noClasses().that().resideInAPackage("io.graphcf.graph..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.graphcf.propagation..", "io.graphcf.contrastive..", "io.graphcf.index..", "io.graphcf.tools.."));
  }

  @Test
  void propagationDependsOnlyOnGraph() {
    check(noClasses().that().resideInAPackage("io.graphcf.propagation..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.graphcf.contrastive..", "io.graphcf.index..", "io.graphcf.tools.."));
  }

  @Test
  void contrastiveDependsOnlyOnPropagationAndGraph() {
    check(noClasses().that().resideInAPackage("io.graphcf.contrastive..")
        .should().dependOnClassesThat().resideInAnyPackage("io.graphcf.index..", "io.graphcf.tools.."));
  }

  @Test
  void indexNeverNeedsContrastiveOrTools() {
    check(noClasses().that().resideInAPackage("io.graphcf.index..")
        .should().dependOnClassesThat().resideInAnyPackage("io.graphcf.contrastive..", "io.graphcf.tools.."));
  }

  @Test
  void noCyclesBetweenParts() {
    check(slices().matching("io.graphcf.(*)..").should().beFreeOfCycles());
  }

  @Test
  void ruleCatchesAViolation() {
    // A rule that would be broken: tools depends on graph. Proves the engine sees dependencies.
    ArchRule inverted = noClasses().that().resideInAPackage("io.graphcf.tools..")
        .should().dependOnClassesThat().resideInAPackage("io.graphcf.graph..");
    assertFalse(inverted.evaluate(classes).getFailureReport().isEmpty(),
        "expected tools to depend on graph (the CLI maps graph errors to exit codes)");
  }

  private static void check(ArchRule rule) {
    rule.allowEmptyShould(true).check(classes);
  }
}
