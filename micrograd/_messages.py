"""Error messages name the bad value, but never print too much of it: a file or an argument may hold anything."""


def short_repr(x, limit=60):
    """repr(x) cut to `limit` characters; a list or a dict by its type name; an int too long to print by its size."""
    if isinstance(x, (list, dict)):
        return type(x).__name__
    try:
        text = repr(x)
    except ValueError:  # an int with more digits than Python prints (sys.get_int_max_str_digits)
        return f"an int of {x.bit_length()} bits"
    return text if len(text) <= limit else text[: limit - 3] + "..."
