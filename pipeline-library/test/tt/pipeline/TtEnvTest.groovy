package tt.pipeline

import com.lesfurets.jenkins.unit.BasePipelineTest
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertThrows
import static org.junit.jupiter.api.Assertions.assertTrue

/**
 * vars/ttEnv.groovy run by JenkinsPipelineUnit, with the TT plugin's steps and Jenkins' node,
 * parallel and timeout recorded: what the library asks Jenkins for, and that it cleans up.
 */
class TtEnvTest extends BasePipelineTest {

    /** What Jenkins' error step and a failing sh throw (hudson.AbortException there). */
    static class BuildFailure extends RuntimeException {
        BuildFailure(String message) {
            super(message)
        }
    }

    Object ttEnv
    List<String> nodeLabels = []
    List<Map> parallelCalls = []
    List<Map> created = []
    List<Map> deleted = []
    List<Map> timeouts = []
    List<String> echoes = []

    @BeforeEach
    void loadLibrary() {
        scriptRoots = ['vars', 'src'] as String[]
        setUp()
        helper.registerAllowedMethod('node', [String, Closure], { String label, Closure c ->
            synchronized (nodeLabels) { nodeLabels << label }
            c()
        })
        helper.registerAllowedMethod('timeout', [Map, Closure], { Map m, Closure c -> timeouts << m; c() })
        helper.registerAllowedMethod('echo', [String], { String s -> echoes << s })
        helper.registerAllowedMethod('error', [String], { String s -> throw new BuildFailure(s) })
        helper.registerAllowedMethod('parallel', [Map], { Map branches -> runParallel(branches) })
        helper.registerAllowedMethod('ttImages', [Map], { Map m ->
            ['qemu:ubuntu-20.04:aarch64', 'qemu:ubuntu-20.04:x86_64']
        })
        helper.registerAllowedMethod('ttEnvCreate', [Map], { Map m ->
            created << m
            [name: 'b-job-1-7', vms: [[name: 'centos-1'], [name: 'ubuntu-1']]]
        })
        helper.registerAllowedMethod('ttEnvDelete', [Map], { Map m -> deleted << m })
        ttEnv = loadScript('ttEnv.groovy')
    }

    /** As Jenkins: every branch runs (unless failFast), then the first failure is thrown. */
    private void runParallel(Map branches) {
        parallelCalls << branches
        Throwable first = null
        branches.findAll { k, v -> k != 'failFast' }.each { name, Closure branch ->
            if (first != null && branches.failFast) {
                return
            }
            try {
                branch()
            } catch (Throwable t) {
                first = first ?: t
            }
        }
        if (first != null) {
            throw first
        }
    }

    @Test
    void oneParallelBranchPerOsEachOnAFreshAgentOfItsDynamicLabel() {
        List<String> ran = []
        ttEnv.call(os: ['centos', 'ubuntu2004']) { String os -> ran << os }

        assertEquals(['centos', 'ubuntu2004'], ran)
        assertEquals(['tt-centos', 'tt-ubuntu2004'], nodeLabels)
        assertEquals(1, parallelCalls.size())
        assertEquals(['centos', 'ubuntu2004', 'failFast'] as Set, parallelCalls[0].keySet())
        assertEquals(false, parallelCalls[0].failFast)
        assertEquals([[time: 60, unit: 'MINUTES']] * 2, timeouts)
        assertEquals('ttEnv summary:\n  centos: passed\n  ubuntu2004: passed', echoes.last())
    }

    @Test
    void sizesTimeoutAndFailFastArePassedThrough() {
        ttEnv.call(os: 'Ubuntu2004', cpu: 2, memMib: 4096, diskMib: 20480, timeoutMinutes: 15, failFast: true) { }

        assertEquals(['tt-ubuntu2004--cpu2--mem4096--disk20480'], nodeLabels)
        assertEquals([[time: 15, unit: 'MINUTES']], timeouts)
        assertEquals(true, parallelCalls[0].failFast)
    }

    @Test
    void perImageRunsOneBranchPerMatchingImage() {
        List<String> ran = []
        ttEnv.call(os: ['ubuntu'], perImage: true, memMib: 2048, cloud: 'tt') { String image -> ran << image }

        assertEquals(['qemu:ubuntu-20.04:aarch64', 'qemu:ubuntu-20.04:x86_64'], ran)
        assertEquals(['tt-image:qemu:ubuntu-20.04:aarch64--mem2048', 'tt-image:qemu:ubuntu-20.04:x86_64--mem2048'],
                nodeLabels)
        assertTrue(helper.callStack.any { it.methodName == 'ttImages' && it.args[0] == [os: ['ubuntu'], cloud: 'tt'] })
    }

    @Test
    void aFailingOsFailsTheBuildAfterTheOthersRanAndTheSummarySaysWhich() {
        List<String> ran = []
        Exception e = assertThrows(BuildFailure) {
            ttEnv.call(os: ['centos', 'ubuntu2004', 'debian']) { String os ->
                ran << os
                if (os == 'ubuntu2004') {
                    throw new BuildFailure('tests failed')
                }
            }
        }
        assertEquals('tests failed', e.message)
        assertEquals(['centos', 'ubuntu2004', 'debian'], ran, 'fail-fast is off by default')
        assertEquals('ttEnv summary:\n  centos: passed\n  ubuntu2004: failed: tests failed\n  debian: passed',
                echoes.last())
    }

    @Test
    void anAbortedBranchIsReportedAsAborted() {
        assertThrows(InterruptedException) {
            ttEnv.call(os: ['centos', 'debian'], failFast: true) { String os ->
                throw new InterruptedException('aborted by user')
            }
        }
        assertEquals('ttEnv summary:\n  centos: aborted\n  debian: not finished', echoes.last())
    }

    @Test
    void runMakesAnEnvRunsTheCommandAndDeletesTheEnv() {
        helper.registerAllowedMethod('ttEnvRun', [Map], { Map m ->
            [[vm: 'centos-1', exitCode: 0, stdout: 'Linux\n'], [vm: 'ubuntu-1', exitCode: 0, stdout: 'Linux\n']]
        })
        List results = ttEnv.run(os: ['centos', 'ubuntu'], cmd: 'uname -s', cpu: 2, timeoutSeconds: 30)

        assertEquals(2, results.size())
        assertEquals([[os: ['centos', 'ubuntu'], cpu: 2]], created)
        assertTrue(helper.callStack.any { it.methodName == 'ttEnvRun' &&
                it.args[0] == [name: 'b-job-1-7', cmd: 'uname -s', timeoutSeconds: 30, failOnError: false] })
        assertEquals([[name: 'b-job-1-7']], deleted)
    }

    @Test
    void runFailsWhenAnyVmFailedAndStillDeletesTheEnv() {
        helper.registerAllowedMethod('ttEnvRun', [Map], { Map m ->
            [[vm: 'centos-1', exitCode: 0], [vm: 'ubuntu-1', exitCode: 3], [vm: 'bsd-1', exitCode: -1, error: 'SSH refused']]
        })
        Exception e = assertThrows(BuildFailure) { ttEnv.run(os: 'cent', cmd: 'make test', cloud: 'lab') }
        assertEquals("ttEnv.run: 'make test' failed on ubuntu-1 (exit 3), bsd-1 (could not run: SSH refused)", e.message)
        assertEquals([[name: 'b-job-1-7', cloud: 'lab']], deleted)
    }

    @Test
    void runDeletesTheEnvWhenTheBuildIsAborted() {
        helper.registerAllowedMethod('ttEnvRun', [Map], { Map m -> throw new InterruptedException('aborted') })
        assertThrows(InterruptedException) { ttEnv.run(os: 'cent', cmd: 'sleep 1000') }
        assertEquals([[name: 'b-job-1-7']], deleted)
    }

    @Test
    void badInputFailsBeforeAnythingIsMadeWithAMessageThatSaysWhatToWrite() {
        Map<Map, String> cases = [
                [:]                                  : "ttEnv: give the OSes to test on, as os: ['centos', 'ubuntu2004']",
                [os: []]                             : 'ttEnv: give the OSes to test on',
                [os: ['centos'], colour: 'red']      : 'ttEnv: unknown option(s) colour; the options are os, cpu',
                [os: ['cent os']]                    : "ttEnv: bad OS prefix 'cent os'",
                [os: ['ubuntu--cpu9']]               : "ttEnv: bad OS prefix 'ubuntu--cpu9'",
                [os: ['centos', 'CentOS']]           : "ttEnv: the OS prefix 'centos' is given twice",
                [os: ['centos'], cpu: 0]             : 'ttEnv: cpu must be a whole number from 1 to 64',
                [os: ['centos'], memMib: '4G']       : "ttEnv: memMib must be a whole number from 64 to 1048576, not '4G'",
                [os: ['centos'], failFast: 'yes']    : "ttEnv: failFast must be true or false, not 'yes'",
        ]
        cases.each { args, message ->
            IllegalArgumentException e = assertThrows(IllegalArgumentException) { ttEnv.call(args) { } }
            assertTrue(e.message.startsWith(message), "${args}: ${e.message}")
        }
        IllegalArgumentException noCmd = assertThrows(IllegalArgumentException) { ttEnv.run(os: 'centos') }
        assertEquals("ttEnv.run: give the command to run, as cmd: 'uname -a'", noCmd.message)
        IllegalArgumentException agentOption = assertThrows(IllegalArgumentException) {
            ttEnv.run(os: 'centos', cmd: 'true', failFast: true)
        }
        assertTrue(agentOption.message.startsWith('ttEnv.run: unknown option(s) failFast'), agentOption.message)
        assertEquals([], nodeLabels)
        assertEquals([], created)
    }
}
