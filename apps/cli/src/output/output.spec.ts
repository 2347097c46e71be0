import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import { Output, type OutputStream } from './output';

function stream(isTTY: boolean): OutputStream & { text: string } {
  const target = {
    isTTY,
    text: '',
    write(chunk: string) {
      target.text += chunk;
      return true;
    },
  };
  return target;
}

const ESCAPE = '\u001b[';

describe('Output', () => {
  it('colours only a terminal, and never with NO_COLOR', () => {
    const tty = stream(true);
    new Output(stream(false), tty, { json: false, noColor: false }).success('done');
    expect(tty.text).toContain(ESCAPE);

    const noColor = stream(true);
    new Output(stream(false), noColor, { json: false, noColor: true }).success('done');
    expect(noColor.text).toBe('✓ done\n');

    const pipe = stream(false);
    new Output(stream(false), pipe, { json: false, noColor: false }).warn('careful');
    expect(pipe.text).toBe('warning: careful\n');
  });

  it('keeps stdout for the result: one JSON document with --json, prompts on stderr', () => {
    const stdout = stream(false);
    const stderr = stream(false);
    const output = new Output(stdout, stderr, { json: true, noColor: false });
    output.prompt('Code: ABCD-EFGH');
    output.success('Logged in');
    output.result({ logged_in: true }, ['Logged in as you']);
    expect(JSON.parse(stdout.text)).toEqual({ logged_in: true });
    expect(stderr.text).toBe('Code: ABCD-EFGH\n');
  });

  it('writes errors to stderr: a message and hint, or the JSON envelope', () => {
    const error = new CliError('access_denied', 'authorization denied', EXIT_CODE.auth, {
      hint: "Run 'difyctl auth login' to try again.",
      httpStatus: 400,
    });
    const human = stream(false);
    new Output(stream(false), human, { json: false, noColor: false }).error(error);
    expect(human.text).toBe(
      "error: authorization denied\nRun 'difyctl auth login' to try again.\n",
    );

    const json = stream(false);
    const stdout = stream(false);
    new Output(stdout, json, { json: true, noColor: false }).error(error);
    expect(JSON.parse(json.text)).toEqual({
      error: {
        code: 'access_denied',
        message: 'authorization denied',
        hint: "Run 'difyctl auth login' to try again.",
        http_status: 400,
      },
    });
    expect(stdout.text).toBe('');
  });
});
