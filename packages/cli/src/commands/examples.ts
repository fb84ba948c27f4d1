import type { Argv } from 'yargs';

type Example = readonly [command: string, description: string];

/** How `$0` reads in help, which decides how long an example's command really is. */
const SCRIPT_NAME = 'agentkernel';

/**
 * A builder whose examples never wrap inside a command. yargs gives an example's command at most half the
 * help width and wraps what is longer mid-command, which breaks copy and paste; so when one of a command's
 * examples is that long, each example takes two lines as in a shell script: its description as a comment,
 * then the command whole (yargs trims indentation, so a comment is what tells the two apart).
 */
export function withExampleLayout(builder: (yargs: Argv) => Argv, wrap: number): (yargs: Argv) => Argv {
  return (yargs) => {
    const examples: Example[] = [];
    const example = yargs.example.bind(yargs);
    // Collected while the builder runs, then given to yargs in the layout that fits.
    Object.assign(yargs, {
      example: (command: string, description: string) => {
        examples.push([command, description]);
        return yargs;
      },
    });
    let built: Argv;
    try {
      built = builder(yargs);
    } finally {
      Object.assign(yargs, { example });
    }
    const column = Math.floor(wrap / 2);
    const fits = examples.every(([command]) => command.replaceAll('$0', SCRIPT_NAME).length <= column);
    for (const [command, description] of examples) {
      if (fits) example(command, description);
      else example(`# ${description}`, '').example(command, '');
    }
    return built;
  };
}
