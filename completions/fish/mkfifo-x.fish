# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for mkfifo-x (ipcutils), which shellcheck cannot read
complete -c mkfifo-x -s c -l count -x -a '1 2 3 4' -d 'with -t: make N temporary FIFOs'
complete -c mkfifo-x -s e -l exec -d 'run COMMAND with the FIFOs in its environment'
complete -c mkfifo-x -l exist-ok -d 'an existing FIFO is success'
complete -c mkfifo-x -s h -l help -d 'show help and exit'
complete -c mkfifo-x -s m -l mode -x -a '600 620 640 660 644 666' -d 'octal permissions'
complete -c mkfifo-x -s p -l parents -d 'make missing parent directories'
complete -c mkfifo-x -s t -l temp -d 'make a FIFO with a unique name'
complete -c mkfifo-x -l tmpdir -x -a '(__fish_complete_directories (commandline -ct))' -d 'with -t: make it in DIR'
complete -c mkfifo-x -s v -l verbose -d 'say what was created and removed'
complete -c mkfifo-x -s V -l version -d 'show the version and exit'
