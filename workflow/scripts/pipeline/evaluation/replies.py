"""The code in a model's reply: its fenced blocks, read the same way for every benchmark."""

import re

# A fenced block tagged python / python3 / py / nothing; an unclosed fence (a reply cut off at the
# token limit, or stopped at a stop string) runs to the end of the reply.
_FENCE = re.compile(r"```(?:python3?|py)?[ \t]*\n(.*?)(?:^[ \t]*```|\Z)", re.S | re.M | re.I)


def code_blocks(reply):
    """The Python code blocks of a reply, in order."""
    return _FENCE.findall(reply)
