import { describe, expect, it } from 'vitest';
import { parsePromptFile } from './prompt-files.js';

const problemOf = (file: string, text: string) => {
  try {
    parsePromptFile(file, text);
  } catch (error) {
    const { message, line, column } = error as { message: string; line?: number; column?: number };
    return { message, line, column };
  }
  throw new Error('expected a problem');
};

describe('prompt files', () => {
  it('reads a markdown prompt: front matter fields, then the template without its final newline', () => {
    const prompt = parsePromptFile('prompts/support-reply.md', '---\nname: Support reply\ntags: [a, "b c"]\nconfig: {"temperature": 0.5}\npurpose: \'Answer tickets\'\n---\nHello {{customer}}\n\nBye\n');
    expect(prompt).toEqual({
      key: 'support-reply',
      file: 'prompts/support-reply.md',
      body: { name: 'Support reply', tags: ['a', 'b c'], config: { temperature: 0.5 }, purpose: 'Answer tickets', template: 'Hello {{customer}}\n\nBye', type: 'text' },
    });
    expect(parsePromptFile('p/plain.md', 'No front matter\n').body).toEqual({ template: 'No front matter', type: 'text' });
  });

  it('reads a JSON prompt, chat or text', () => {
    expect(parsePromptFile('p/chat.helper.json', '{"messages":[{"role":"system","content":"Hi {{x}}"}]}').body).toEqual({ messages: [{ role: 'system', content: 'Hi {{x}}' }], type: 'chat' });
  });

  it('places a template error at its line and column in the file', () => {
    expect(problemOf('p/a.md', '---\nname: A\n---\nline one\n  {{ broken\n')).toEqual({ message: 'Unclosed "{{"', line: 5, column: 3 });
    expect(problemOf('p/b.md', 'x {{}} y')).toEqual({ message: 'Empty placeholder "{{}}"', line: 1, column: 3 });
    expect(problemOf('p/c.json', '{"messages":[{"role":"user","content":"ok"},{"role":"user","content":"a\\n{{1x}}"}]}').message).toBe(
      'messages[1].content, line 2, column 1: "1x" is not a variable name',
    );
  });

  it('names what is wrong with the fields', () => {
    expect(problemOf('p/a.md', '---\nnmae: A\n---\nx')).toMatchObject({ message: expect.stringContaining('nmae') });
    expect(problemOf('p/a.md', '---\nname A\n---\nx')).toEqual({ message: 'expected "field: value"', line: 2, column: undefined });
    expect(problemOf('p/a.md', '---\nname: A\nx')).toMatchObject({ message: 'the front matter has no closing "---" line', line: 1 });
    expect(problemOf('p/bad key!.md', 'x').message).toContain('is not a prompt key');
    expect(problemOf('p/a.json', '{"template": "x"\n "oops": 1}')).toEqual({ message: "not valid JSON: Expected ',' or '}' after property value", line: 2, column: 2 });
    expect(problemOf('p/a.json', '{"template": "x", "messages": [{"role": "user", "content": "y"}]}').message).toBe('give either template (text prompt) or messages (chat prompt), not both');
  });
});
