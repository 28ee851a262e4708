package io.perfplan;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the package layering of DESIGN.md: thin CLI and actions over a core that knows nothing of plans. */
@AnalyzeClasses(packages = "io.perfplan", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreKnowsNothingOfPlansOrTheEngine = noClasses().that().resideInAPackage("io.perfplan.core..")
            .should().dependOnClassesThat().resideInAnyPackage("io.perfplan.plan..", "io.perfplan.engine..", "io.perfplan.actions..",
                    "io.perfplan.cli..", "io.perfplan.store..", "io.perfplan.schedule..", "io.perfplan.script..",
                    "io.perfplan.report..", "io.perfplan.telemetry..");

    @ArchTest
    static final ArchRule actionsStayThin = noClasses().that().resideInAPackage("io.perfplan.actions..")
            .should().dependOnClassesThat().resideInAnyPackage("io.perfplan.cli..", "io.perfplan.store..",
                    "io.perfplan.schedule..", "io.perfplan.report..");

    @ArchTest
    static final ArchRule actionsDoNotUseEachOther = com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
            .matching("io.perfplan.actions.(*)..").should().notDependOnEachOther();

    @ArchTest
    static final ArchRule engineDoesNotKnowActionsOrCli = noClasses().that().resideInAPackage("io.perfplan.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("io.perfplan.actions..", "io.perfplan.cli..", "io.perfplan.core..");

    @ArchTest
    static final ArchRule planDependsOnlyOnScript = noClasses().that().resideInAPackage("io.perfplan.plan..")
            .should().dependOnClassesThat().resideInAnyPackage("io.perfplan.engine..", "io.perfplan.store..", "io.perfplan.cli..",
                    "io.perfplan.actions..", "io.perfplan.core..", "io.perfplan.schedule..");

    @ArchTest
    static final ArchRule storeIsBelowTheEngine = noClasses().that().resideInAPackage("io.perfplan.store..")
            .should().dependOnClassesThat().resideInAnyPackage("io.perfplan.engine..", "io.perfplan.plan..", "io.perfplan.cli..",
                    "io.perfplan.actions..");

    @ArchTest
    static final ArchRule scriptStandsAlone = noClasses().that().resideInAPackage("io.perfplan.script..")
            .should().dependOnClassesThat().resideInAnyPackage("io.perfplan.plan..", "io.perfplan.engine..", "io.perfplan.cli..",
                    "io.perfplan.store..", "io.perfplan.actions..");

    @ArchTest
    static final ArchRule scheduleSitsOnTheEngine = noClasses().that().resideInAPackage("io.perfplan.schedule..")
            .should().dependOnClassesThat().resideInAnyPackage("io.perfplan.cli..", "io.perfplan.actions..", "io.perfplan.core..",
                    "io.perfplan.report..");
}
