# cmake -DGIT=git -DSCRIPT=.../git_revision.cmake -DWORK=scratch-dir -P git_revision_test.cmake
# Checks that the generated source follows the repository: the short hash of HEAD, "-dirty"
# once a tracked file changes, the new hash after a commit, "unknown" outside a repository,
# and no rewrite (same time stamp) while nothing changes, so nothing recompiles.
function(run_git)
  execute_process(COMMAND ${GIT} -c user.name=test -c user.email=test@example.invalid ${ARGN}
                  WORKING_DIRECTORY ${WORK}/repo RESULT_VARIABLE failed OUTPUT_QUIET ERROR_VARIABLE err)
  if(failed)
    message(FATAL_ERROR "git ${ARGN} failed: ${err}")
  endif()
endfunction()

function(expect_revision source expected)
  execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${source} -DOUTPUT=${WORK}/git_revision.cc
                          -P ${SCRIPT} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "${SCRIPT} failed")
  endif()
  file(READ ${WORK}/git_revision.cc text)
  if(NOT text MATCHES "return \"${expected}\";")
    message(FATAL_ERROR "expected revision '${expected}', generated:\n${text}")
  endif()
  message(STATUS "revision ${expected}: ok")
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/repo ${WORK}/not_a_repo)
file(WRITE ${WORK}/repo/file.txt "one\n")
run_git(init -q)
run_git(add file.txt)
run_git(commit -q -m one)
execute_process(COMMAND ${GIT} rev-parse --short HEAD WORKING_DIRECTORY ${WORK}/repo
                OUTPUT_VARIABLE first OUTPUT_STRIP_TRAILING_WHITESPACE)
expect_revision(${WORK}/repo ${first})

# Unchanged revision: the file must not be rewritten (its time stamp stays).
file(TIMESTAMP ${WORK}/git_revision.cc before "%s%f" UTC)
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
expect_revision(${WORK}/repo ${first})
file(TIMESTAMP ${WORK}/git_revision.cc after "%s%f" UTC)
if(NOT before STREQUAL after)
  message(FATAL_ERROR "git_revision.cc was rewritten although the revision did not change")
endif()

# An untracked file is not a change; a modified tracked file is.
file(WRITE ${WORK}/repo/untracked.txt "x\n")
expect_revision(${WORK}/repo ${first})
file(WRITE ${WORK}/repo/file.txt "two\n")
expect_revision(${WORK}/repo ${first}-dirty)

run_git(commit -q -a -m two)
execute_process(COMMAND ${GIT} rev-parse --short HEAD WORKING_DIRECTORY ${WORK}/repo
                OUTPUT_VARIABLE second OUTPUT_STRIP_TRAILING_WHITESPACE)
if(second STREQUAL first)
  message(FATAL_ERROR "the commit did not change HEAD")
endif()
expect_revision(${WORK}/repo ${second})

# Outside any repository (GIT_CEILING_DIRECTORIES stops the search above WORK).
set(ENV{GIT_CEILING_DIRECTORIES} ${WORK})
expect_revision(${WORK}/not_a_repo unknown)
